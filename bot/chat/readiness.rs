//! Whether an adapter can take traffic, as `/readyz` asks it: ready once its routes are served
//! ([`Served`]), or while the connection it keeps open is up ([`Connection`]: Slack's Socket
//! Mode, Discord's Gateway).

use std::sync::{Mutex, PoisonError};

use crate::platform::Platform;

/// An adapter's readiness: `Err(reason)` while it cannot take traffic.
pub trait Readiness: Send + Sync {
    fn platform(&self) -> Platform;
    fn ready(&self) -> Result<(), String>;
}

/// An adapter that takes traffic on its routes: ready once they are served.
pub struct Served(pub Platform);

impl Readiness for Served {
    fn platform(&self) -> Platform {
        self.0
    }

    fn ready(&self) -> Result<(), String> {
        Ok(())
    }
}

/// An adapter that takes traffic over a connection it keeps open (Slack's Socket Mode,
/// Discord's Gateway): ready while connected.
#[derive(Debug)]
pub struct Connection {
    platform: Platform,
    /// What the connection is called in the reason: `Socket Mode`.
    what: &'static str,
    /// Why it is not connected; `None` once connected.
    not_connected: Mutex<Option<String>>,
}

impl Connection {
    /// A connection of `platform`'s adapter, not connected yet.
    pub fn new(platform: Platform, what: &'static str) -> Connection {
        Connection {
            platform,
            what,
            not_connected: Mutex::new(Some("connecting".to_string())),
        }
    }

    pub fn connected(&self) {
        self.set(None);
    }

    pub fn disconnected(&self, reason: impl Into<String>) {
        self.set(Some(reason.into()));
    }

    fn set(&self, not_connected: Option<String>) {
        *self
            .not_connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = not_connected;
    }
}

impl Readiness for Connection {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn ready(&self) -> Result<(), String> {
        match &*self
            .not_connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            None => Ok(()),
            Some(reason) => Err(format!("{} not connected ({reason})", self.what)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_says_why_it_is_not_ready() {
        let status = Connection::new(Platform::Slack, "Socket Mode");
        assert_eq!(status.platform(), Platform::Slack);
        assert_eq!(
            status.ready(),
            Err("Socket Mode not connected (connecting)".into())
        );
        status.connected();
        assert_eq!(status.ready(), Ok(()));
        status.disconnected("Slack closed the connection");
        assert_eq!(
            status.ready(),
            Err("Socket Mode not connected (Slack closed the connection)".into())
        );
        assert_eq!(Served(Platform::Discord).ready(), Ok(()));
    }
}
