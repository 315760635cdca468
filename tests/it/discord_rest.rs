//! The Discord REST client against the stand-in, call by call: what it sends, and what its
//! failures say.

use std::time::Duration;

use incident_bot::chat::discord::rest::{DiscordRest, RestError};
use incident_bot::outbox::DeliveryError;
use serde_json::json;

use crate::discord_standin::{
    Answer, DiscordStandIn, BOT_ID, BOT_TOKEN, COMMANDS, CREATE_MESSAGE, GATEWAY,
    INTERACTION_CALLBACK,
};

const CHANNEL: &str = "645027906669510667";
const TIMEOUT: Duration = Duration::from_secs(2);

fn client(discord: &DiscordStandIn) -> DiscordRest {
    DiscordRest::new(&discord.api_url(), BOT_TOKEN)
        .unwrap()
        .with_timeout(TIMEOUT)
}

#[tokio::test]
async fn interaction_callbacks_and_commands_reach_their_routes() {
    let discord = DiscordStandIn::start().await;
    let rest = client(&discord);
    let answer = json!({"type": 4, "data": {"content": "ok", "flags": 64}});
    rest.interaction_callback("786008729715212338", "A_UNIQUE_TOKEN", &answer)
        .await
        .unwrap();
    let commands = json!([{"name": "incident", "description": "Run an incident", "type": 1}]);
    rest.bulk_overwrite_commands(BOT_ID, None, &commands)
        .await
        .unwrap();
    rest.bulk_overwrite_commands(BOT_ID, Some("290926798626357999"), &commands)
        .await
        .unwrap();

    let callback = &discord.calls_to(INTERACTION_CALLBACK)[0];
    assert_eq!(
        callback.path,
        "/interactions/786008729715212338/A_UNIQUE_TOKEN/callback"
    );
    assert_eq!((callback.status, &callback.body), (204, &answer));
    let paths: Vec<(String, String, u16)> = discord
        .calls_to(COMMANDS)
        .into_iter()
        .map(|call| (call.method, call.path, call.status))
        .collect();
    assert_eq!(
        paths,
        [
            (
                "PUT".to_owned(),
                format!("/applications/{BOT_ID}/commands"),
                200
            ),
            (
                "PUT".to_owned(),
                format!("/applications/{BOT_ID}/guilds/290926798626357999/commands"),
                200
            ),
        ]
    );
}

#[tokio::test]
async fn a_wrong_token_says_which_setting_to_check() {
    let discord = DiscordStandIn::start().await;
    let rest = DiscordRest::new(&discord.api_url(), "not-the-token").unwrap();
    let error = rest
        .create_message(CHANNEL, &json!({"content": "hello"}), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(error, RestError::Refused { status: 401, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("check DISCORD_BOT_TOKEN"),
        "{error}"
    );
    assert!(matches!(
        DeliveryError::from(error),
        DeliveryError::Rejected(_)
    ));
}

#[tokio::test]
async fn a_missing_permission_is_a_refusal_that_names_the_channel() {
    let discord = DiscordStandIn::start().await;
    discord.script(
        CREATE_MESSAGE,
        [Answer::Error {
            status: 403,
            code: 50013,
        }],
    );
    let error = client(&discord)
        .create_message(CHANNEL, &json!({"content": "hello"}), &[])
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(50013));
    let text = error.to_string();
    assert!(
        text.contains(&format!("missing permissions in channel {CHANNEL}")),
        "{text}"
    );
}

#[tokio::test]
async fn a_global_429_holds_back_every_route_without_calling_discord() {
    let discord = DiscordStandIn::start().await;
    let rest = client(&discord);
    discord.script(
        CREATE_MESSAGE,
        [Answer::RateLimited {
            retry_after: 64.57,
            global: true,
        }],
    );
    let first = rest
        .create_message(CHANNEL, &json!({"content": "one"}), &[])
        .await
        .unwrap_err();
    assert_eq!(
        first,
        RestError::RateLimited {
            retry_after: Duration::from_millis(64_570),
            global: true
        }
    );
    let edit = rest
        .edit_message("111", "222", &json!({"content": "two"}))
        .await
        .unwrap_err();
    assert!(
        matches!(edit, RestError::RateLimited { global: true, retry_after } if retry_after > Duration::from_secs(60)),
        "{edit:?}"
    );
    assert_eq!(discord.calls().len(), 1, "the edit never went out");
}

#[tokio::test]
async fn the_gateway_url_is_asked_from_the_api_and_checked() {
    let discord = DiscordStandIn::start().await;
    let rest = DiscordRest::new(&discord.api_url(), BOT_TOKEN).unwrap();
    discord.set_gateway_url("ws://127.0.0.1:9");
    assert_eq!(rest.gateway_url().await.unwrap(), "ws://127.0.0.1:9");
    let calls = discord.calls_to(GATEWAY);
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path.as_str()),
        ("GET", "/gateway/bot")
    );
    discord.set_gateway_url("http://127.0.0.1:9");
    let refused = rest.gateway_url().await.unwrap_err();
    assert!(
        refused.to_string().contains("no WebSocket url"),
        "{refused}"
    );
}

#[tokio::test]
async fn an_unreachable_discord_is_a_transient_failure_that_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rest = DiscordRest::new(&format!("http://127.0.0.1:{port}/api/v10"), BOT_TOKEN)
        .unwrap()
        .with_timeout(TIMEOUT);
    let error = rest
        .create_message(CHANNEL, &json!({"content": "hello"}), &[])
        .await
        .unwrap_err();
    let DeliveryError::Transient(reason) = DeliveryError::from(error) else {
        panic!("expected a transient failure");
    };
    assert!(
        reason.starts_with(&format!("POST /channels/{CHANNEL}/messages: ")),
        "{reason}"
    );
    assert!(reason.to_lowercase().contains("connect"), "{reason}");
    // What the outbox keeps as the post's last error names the call, never a URL (an
    // interaction callback's holds its token).
    assert!(!reason.contains("http://"), "{reason}");
}
