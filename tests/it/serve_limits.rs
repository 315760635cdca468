//! `serve`'s HTTP server against clients that hold on: headers sent half-way or not at all, a
//! body that trickles in, more connections than allowed, and a stop while a client is slow. Real
//! TCP on 127.0.0.1, with the limits made short through `ServeSettings::http`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use incident_bot::clock::SystemClock;
use incident_bot::serve::{self, HttpLimits, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::test_db::unique_suffix;

/// `serve` with health routes only and `limits`.
async fn start(limits: HttpLimits) -> Running {
    let dir = std::env::temp_dir().join(format!("incident-bot-limits-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut settings = crate::serve_settings::settings(&dir, &[]);
    settings.http = limits;
    serve::start(&settings, Arc::new(SystemClock))
        .await
        .unwrap()
}

/// Long limits, but for the one a test shortens.
fn patient() -> HttpLimits {
    HttpLimits {
        header_timeout: Duration::from_secs(30),
        body_timeout: Duration::from_secs(30),
        max_connections: 64,
        shutdown_timeout: Duration::from_secs(30),
    }
}

/// Everything the server sends until it closes the connection, and how long that took; panics
/// if it is still open after `patience`.
async fn read_until_closed(stream: &mut TcpStream, patience: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buffer = [0u8; 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server kept the connection open for {patience:?}"
    );
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let running = start(HttpLimits {
        header_timeout: Duration::from_millis(300),
        ..patient()
    })
    .await;
    let mut half_sent = TcpStream::connect(running.addr).await.unwrap();
    half_sent
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(running.addr).await.unwrap();

    for stream in [&mut half_sent, &mut silent] {
        let (_, took) = read_until_closed(stream, Duration::from_secs(5)).await;
        assert!(took < Duration::from_secs(3), "closed only after {took:?}");
    }

    // A kept-alive connection is closed once idle for as long, after its answer.
    let mut kept_alive = TcpStream::connect(running.addr).await.unwrap();
    kept_alive
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut kept_alive, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    running.stop().await;
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off_with_408() {
    let running = start(HttpLimits {
        body_timeout: Duration::from_millis(300),
        ..patient()
    })
    .await;
    let mut slow = TcpStream::connect(running.addr).await.unwrap();
    slow.write_all(
        b"POST /healthz HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n\
          Content-Length: 1048576\r\n\r\n{\"a\":",
    )
    .await
    .unwrap();
    let (answer, took) = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert!(
        answer.ends_with("the request body did not arrive within HTTP_BODY_TIMEOUT (0.3 s)\n"),
        "{answer}"
    );
    assert!(took < Duration::from_secs(3), "cut off only after {took:?}");
    running.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_are_answered_503_and_the_bot_serves_again_after() {
    let running = start(HttpLimits {
        max_connections: 2,
        ..patient()
    })
    .await;
    let url = format!("http://{}/healthz", running.addr);
    let mut holding = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(running.addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        holding.push(stream);
    }
    // The two are accepted before the third connects: wait until the server is full.
    let mut refused = None;
    for _ in 0..50 {
        let answer = reqwest::get(&url).await.unwrap();
        if answer.status() == 503 {
            refused = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a third connection was served while two were held");
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap(),
        "1"
    );
    assert_eq!(
        refused.text().await.unwrap(),
        "the bot is serving as many connections as HTTP_MAX_CONNECTIONS allows; try again in a moment\n"
    );

    drop(holding);
    let mut served = None;
    for _ in 0..50 {
        let answer = reqwest::get(&url).await.unwrap();
        if answer.status() == 200 {
            served = Some(answer.text().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(served.as_deref(), Some("ok\n"));
    running.stop().await;
}

#[tokio::test]
async fn a_stop_waits_for_a_slow_client_no_longer_than_the_shutdown_timeout() {
    let running = start(HttpLimits {
        shutdown_timeout: Duration::from_millis(500),
        ..patient()
    })
    .await;
    let mut slow = TcpStream::connect(running.addr).await.unwrap();
    slow.write_all(b"POST /healthz HTTP/1.1\r\nHost: bot\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), running.stop())
        .await
        .expect("the stop waited for the slow client");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "stopped after {took:?}"
    );
    let (_, _) = read_until_closed(&mut slow, Duration::from_secs(1)).await;
}
