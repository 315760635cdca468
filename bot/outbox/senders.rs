//! What every platform's sender shares: the options that say where posts go.

/// How a sender posts, beyond what the messages say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderOptions {
    /// Show the periodic status updates in the channel, not only in the incident's thread
    /// (`UPDATES_IN_CHANNEL`): Slack broadcasts the thread reply to the channel, Discord posts
    /// the update in the channel instead of the thread.
    pub updates_in_channel: bool,
}
