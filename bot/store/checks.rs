//! What the store refuses before anything is written: text PostgreSQL could not store (NUL
//! characters) and keys too long for its indexes, refused on both backends so they behave the
//! same.

use super::{ChannelKey, Commit, NewPost, StoreError};

/// Longest channel id accepted (it is indexed; PostgreSQL's index entries are
/// limited to about 2.7 kB).
const MAX_KEY_BYTES: usize = 512;

pub(super) fn check_text(field: &'static str, text: &str) -> Result<(), StoreError> {
    if text.contains('\0') {
        Err(StoreError::NulInText { field })
    } else {
        Ok(())
    }
}

/// Text that is part of an index (channel ids): no NUL, and short enough for a
/// PostgreSQL index entry.
fn check_key(field: &'static str, text: &str) -> Result<(), StoreError> {
    check_text(field, text)?;
    if text.len() > MAX_KEY_BYTES {
        return Err(StoreError::KeyTooLong {
            field,
            len: text.len(),
            max: MAX_KEY_BYTES,
        });
    }
    Ok(())
}

pub(super) fn check_channel(channel: &ChannelKey) -> Result<(), StoreError> {
    check_key("the workspace id", &channel.workspace)?;
    check_key("the channel id", &channel.channel)
}

/// Everything a commit would write.
pub(super) fn check_commit(commit: &Commit) -> Result<(), StoreError> {
    check_text("the incident snapshot", &commit.state)?;
    for event in &commit.events {
        check_text("an event's actor", &event.actor)?;
        check_text("an event's kind", &event.kind)?;
        check_text("an event's data", &event.data)?;
    }
    for post in &commit.posts {
        check_post(post)?;
    }
    Ok(())
}

pub(super) fn check_post(post: &NewPost) -> Result<(), StoreError> {
    check_channel(&post.channel)?;
    check_text("a post's kind", &post.kind)?;
    check_text("a post's body", &post.body)
}
