//! `/incident assign <role> <@person> [INC-n]`: someone takes a role, and is pinged when the
//! platform gave their id.

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
                Some(id.clone()),
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
        self.one_event(
            who,
            assign.incident,
            CommandName::Assign,
            |incident, _| decide::assign(incident, &role, &person),
            |_, after, _| {
                Effects::post(notify::assigned(
                    after,
                    &role,
                    &person,
                    ping.clone(),
                    &who.person.name,
                ))
            },
        )
        .await
    }
}
