//! The HTTP server of `serve`, on hyper's HTTP/1 connections with a timer, so that no client
//! holds the bot: a client gets [`HttpLimits::header_timeout`] for a request's headers (an idle
//! kept-alive connection too, then it is closed), [`HttpLimits::body_timeout`] for its body
//! (then `408`), and beyond [`HttpLimits::max_connections`] open connections a new one is
//! answered `503` and closed. A stop takes no new connection, lets requests in flight finish for
//! up to [`HttpLimits::shutdown_timeout`], and then closes what is still open.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::limits::HttpLimits;

/// The largest body read (axum's own default limit).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// How long a connection beyond the limit is given to read its `503`.
const TURN_AWAY_TIME: Duration = Duration::from_secs(1);

/// What a connection beyond the limit reads before it is closed.
const BUSY_BODY: &str = "the bot is serving as many connections as HTTP_MAX_CONNECTIONS allows; try again in a moment\n";

/// Serves `router` on `listener` within `limits` until `stopped` turns true, then stops as the
/// module says.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    stopped: watch::Receiver<bool>,
) {
    let mut stop_accepting = stopped.clone();
    let stop = async move {
        let _ = stop_accepting.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stop);
    let router = router.layer(middleware::from_fn_with_state(
        limits.body_timeout,
        read_body_in_time,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    let mut full = false;
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        full = false;
                        connections.spawn(serve_connection(
                            stream,
                            router.clone(),
                            limits,
                            stopped.clone(),
                            slot,
                        ));
                    }
                    Err(_) => {
                        if !full {
                            tracing::warn!(
                                limit = limits.max_connections,
                                "the HTTP server is full: new connections are answered 503 \
                                 until one closes (raise HTTP_MAX_CONNECTIONS if this is real traffic)"
                            );
                            full = true;
                        }
                        connections.spawn(turn_away(stream));
                    }
                },
                Err(error) => {
                    // Out of file descriptors, most likely: give the open connections a moment.
                    tracing::warn!(%error, "the HTTP server could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next() => {}
            () = &mut stop => break,
        }
    }
    drop(listener);
    let finished = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            open = connections.len(),
            "closing the connections still open after SHUTDOWN_TIMEOUT ({} s)",
            limits.shutdown_timeout.as_secs_f32()
        );
        connections.shutdown().await;
    }
}

/// Serves one connection while it holds `_slot`; once stopped, finishes the request in flight
/// and closes.
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: HttpLimits,
    mut stopped: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    tokio::pin!(connection);
    let stop = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let served = tokio::select! {
        served = connection.as_mut() => served,
        () = stop => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = served {
        // A client that hung up or was too slow: its business, not worth more than a debug line.
        tracing::debug!(%error, "an HTTP connection ended with an error");
    }
}

/// Answers `503` to the request of a connection beyond the limit and closes it, giving it
/// [`TURN_AWAY_TIME`] for its headers and the answer. The request is read first: an HTTP client
/// takes an answer that comes before its request for a broken connection.
async fn turn_away(stream: TcpStream) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(TURN_AWAY_TIME)
        .keep_alive(false);
    let busy = hyper::service::service_fn(|_request| async {
        let answer = (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            BUSY_BODY,
        );
        Ok::<_, Infallible>(answer.into_response())
    });
    let connection = builder.serve_connection(TokioIo::new(stream), busy);
    let _ = tokio::time::timeout(TURN_AWAY_TIME * 2, connection).await;
}

/// Reads the whole body within `deadline` before the route sees the request: a body that takes
/// longer is answered `408` and its connection closed.
async fn read_body_in_time(
    State(deadline): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(deadline, axum::body::to_bytes(body, MAX_BODY_BYTES)).await;
    let bytes: Bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return (
                StatusCode::BAD_REQUEST,
                "the request body could not be read: over 2 MiB, or cut short\n",
            )
                .into_response()
        }
        Err(_) => {
            return (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONNECTION, "close")],
                format!(
                    "the request body did not arrive within HTTP_BODY_TIMEOUT ({} s)\n",
                    deadline.as_secs_f32()
                ),
            )
                .into_response()
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
