//! `/incident assign <role> <@person> [INC-n]`: someone takes a role, and is pinged when the
//! platform gave their id; also after resolve (who owns the post-mortem). A group's id (a Slack
//! `S…`, which Slack pings as a user group) pings only when `ROLE_MENTIONS` names it.

use commands::{Assign, CommandName, Mention};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{decide, Person};
use crate::notify;

impl Engine {
    pub(super) async fn assign(&self, who: &Invocation, assign: Assign) -> Result<Reply, Stop> {
        let (person, ping) = match &assign.assignee {
            Mention::User(id) => (
                Person {
                    id: id.clone(),
                    name: format!("@{id}"),
                },
                self.config.ping_for(id),
            ),
            Mention::Handle(name) => (
                Person {
                    id: name.clone(),
                    name: format!("@{name}"),
                },
                None,
            ),
        };
        let role = assign.role.trim().to_lowercase();
        self.one_amendment(
            who,
            assign.incident,
            CommandName::Assign,
            |incident, now| decide::assign(incident, &role, &person, now),
            |before, after, _| {
                let assigned =
                    notify::assigned(after, &role, &person, ping.clone(), &who.person.name);
                Effects::post(match before.is_open() {
                    true => assigned,
                    false => notify::after_resolve(after, assigned),
                })
            },
        )
        .await
    }
}
