//! Replies meant for the whole channel rather than the person who asked: a reply that holds a
//! document (the post-mortem draft) is posted in the channel through the outbox, as a file, and
//! the person is told so. Every platform's slash commands answer this way.

use crate::engine::{Engine, EngineError, Invocation};
use crate::notify::{Block, Message, MessageKind};

/// What the person who asked sees of `message`: itself, or, when it holds a document, a line
/// saying the document is being posted (after queueing it for the channel).
pub async fn for_the_asker(
    engine: &Engine,
    who: &Invocation,
    message: Message,
) -> Result<Message, EngineError> {
    let has_document = message
        .blocks
        .iter()
        .any(|block| matches!(block, Block::Document { .. }));
    if !has_document {
        return Ok(message);
    }
    engine.share(who, &message).await?;
    let what = message
        .incident
        .map_or("The post-mortem draft".to_string(), |id| {
            format!("The post-mortem draft of INC-{id}")
        });
    Ok(Message::text(
        MessageKind::Reply,
        message.incident,
        format!("{what} is being posted in this channel as a Markdown file."),
    ))
}
