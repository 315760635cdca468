//! Incidents left alone: when a person last acted on an incident, whether the bot has asked
//! since whether it is still going (then it is *stale*, and updates come hourly), and how many
//! posts the bot has made by itself meanwhile, so that a day of silence stays within
//! [`MAX_QUIET_POSTS_PER_DAY`].
//!
//! A person acts when they record anything at all (a step, a note, an assignment, a post-mortem
//! request…): every event not recorded by the bot. Reading (`status`, `list`) records nothing.

use super::event::{Event, Recorded};
use super::model::Incident;

/// The most posts a day of silence makes: updates, RTO warnings, nudges and the question.
pub const MAX_QUIET_POSTS_PER_DAY: u32 = 30;

/// A day, in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The slowest cadence while stale: an hour, in seconds.
pub const STALE_UPDATE_SECS: u64 = 60 * 60;

impl Incident {
    /// When a person last recorded anything on the incident (its opening, at the least).
    pub fn last_human_ms(&self) -> i64 {
        self.last_human_at_ms.unwrap_or(self.opened_at_ms)
    }

    /// Whether the bot asked if the incident is still going, and nobody has acted since.
    pub fn is_stale(&self) -> bool {
        self.stale_asked_at_ms
            .is_some_and(|asked| asked >= self.last_human_ms())
    }

    /// Whether the question is due at `now_ms`, `stale_after_ms` after the last human command:
    /// an open incident, not asked yet in this silence.
    pub fn stale_question_due(&self, stale_after_ms: i64, now_ms: i64) -> bool {
        self.is_open()
            && !self.is_stale()
            && now_ms >= self.last_human_ms().saturating_add(stale_after_ms)
    }

    /// When the bot may post its next update by itself, at the earliest, after one at `now_ms`:
    /// `cadence_ms` later, unless this silent day has had its [`MAX_QUIET_POSTS_PER_DAY`] posts,
    /// in which case the next waits for the first slot after the day (counted from the last
    /// human command) has ended.
    pub fn next_quiet_post_ms(&self, cadence_ms: i64, now_ms: i64) -> i64 {
        let next = now_ms.saturating_add(cadence_ms);
        let day_ends = self.last_human_ms().saturating_add(DAY_MS);
        if self.quiet_posts >= MAX_QUIET_POSTS_PER_DAY && next <= day_ends {
            day_ends.saturating_add(cadence_ms)
        } else {
            next
        }
    }

    /// Keeps the count of the bot's own posts since the last human command. An RTO warning
    /// recorded at the moment of another post was part of it (one post per moment).
    pub(super) fn count_quiet(&mut self, recorded: &Recorded) {
        if !recorded.by.is_bot() {
            self.last_human_at_ms = Some(recorded.at_ms);
            self.quiet_posts = 0;
            self.quiet_post_at_ms = None;
            return;
        }
        let folded = matches!(recorded.event, Event::RtoWarned { .. })
            && self.quiet_post_at_ms == Some(recorded.at_ms);
        if !folded {
            self.quiet_posts = self.quiet_posts.saturating_add(1);
            self.quiet_post_at_ms = Some(recorded.at_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Event, Person};
    use crate::notify::test_support::{app_server, at, HOUR, MIN};

    fn recorded(at_ms: i64, by: Person, event: Event) -> Recorded {
        Recorded { at_ms, by, event }
    }

    #[test]
    fn asked_once_per_silence_and_a_person_ends_it() {
        let mut incident = app_server(at(3, 4, 0)).incident;
        let stale_after = 2 * HOUR;
        assert_eq!(incident.last_human_ms(), at(3, 4, 0));
        assert!(!incident.stale_question_due(stale_after, at(5, 3, 0)));
        assert!(incident.stale_question_due(stale_after, at(5, 4, 0)));
        incident.apply(&recorded(at(5, 4, 0), Person::bot(), Event::StaleAsked));
        assert!(incident.is_stale());
        assert!(!incident.stale_question_due(stale_after, at(9, 0, 0)));
        let note = Event::NoteAdded {
            text: "still on it".into(),
        };
        let bob = Person {
            id: "U2".into(),
            name: "bob".into(),
        };
        incident.apply(&recorded(at(6, 0, 0), bob, note));
        assert!(!incident.is_stale());
        assert_eq!(incident.quiet_posts, 0);
        assert!(incident.stale_question_due(stale_after, at(8, 0, 0)));
    }

    #[test]
    fn an_rto_warning_part_of_an_update_is_one_post() {
        let mut incident = app_server(at(3, 4, 0)).incident;
        for event in [
            Event::UpdatePosted { number: 1 },
            Event::RtoWarned { percent: 50 },
        ] {
            incident.apply(&recorded(at(3, 19, 0), Person::bot(), event));
        }
        assert_eq!(incident.quiet_posts, 1);
        let alone = Event::RtoWarned { percent: 80 };
        incident.apply(&recorded(at(3, 28, 0), Person::bot(), alone));
        assert_eq!(incident.quiet_posts, 2);
    }

    #[test]
    fn a_silent_day_keeps_to_its_posts() {
        let mut incident = app_server(at(3, 4, 0)).incident;
        incident.quiet_posts = MAX_QUIET_POSTS_PER_DAY - 1;
        assert_eq!(
            incident.next_quiet_post_ms(HOUR, at(20, 0, 0)),
            at(21, 0, 0)
        );
        incident.quiet_posts = MAX_QUIET_POSTS_PER_DAY;
        let day_ends = at(3, 4, 0) + DAY_MS;
        assert_eq!(
            incident.next_quiet_post_ms(HOUR, at(20, 0, 0)),
            day_ends + HOUR
        );
        assert_eq!(
            incident.next_quiet_post_ms(HOUR, day_ends + 10 * MIN),
            day_ends + 70 * MIN,
            "the next day has its own posts"
        );
    }
}
