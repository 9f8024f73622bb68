//! The relay's own accept loop, in place of `axum::serve`: a cap on open connections, and nginx's
//! connection timeouts (header read, keep-alive idle, a bound on each request), which neither
//! `axum::serve` nor tower layers offer.
//!
//! hyper's own `header_read_timeout` is switched off: its timer also runs while a kept-alive
//! connection waits for its next request, so the idle timeout could never be longer than it.
//! Instead a small watchdog per connection closes it when its current phase runs out of time:
//! - a new connection must deliver its first request's header within `header_timeout`;
//! - a kept-alive connection may wait `idle_timeout` for its next request, and once the first
//!   byte of that request arrives, its header must be complete within `header_timeout`;
//! - a request being served is bounded by `body_timeout` (reading its body, enforced where the
//!   body is read) + the upstream time limit + `idle_timeout` (to write the answer).

use crate::{add_cors, relay_error, Config};
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tower::ServiceExt;

/// The address of the client, put in every request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish.
pub(crate) async fn serve(
    config: Config,
    app: Router,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max = config.limits.max_connections.max(1);
    let connections = Arc::new(Semaphore::new(max));
    // Connections over the cap are told so (503) rather than left hanging, up to a bound.
    let overflow_max = max.min(64);
    let overflow = Arc::new(Semaphore::new(overflow_max));
    let (stop, stopping) = watch::channel(false);
    let config = Arc::new(config);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (permit, busy) = match Arc::clone(&connections).try_acquire_owned() {
            Ok(permit) => (permit, false),
            Err(_) => match Arc::clone(&overflow).try_acquire_owned() {
                Ok(permit) => (permit, true),
                Err(_) => continue, // dropped: closed at once
            },
        };
        let connection = serve_connection(
            stream,
            peer,
            app.clone(),
            Arc::clone(&config),
            busy,
            stopping.clone(),
        );
        tokio::spawn(async move {
            connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it ends: having them all back means all are done.
    let _ = connections.acquire_many(max as u32).await;
    let _ = overflow.acquire_many(overflow_max as u32).await;
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    config: Arc<Config>,
    busy: bool,
    mut stopping: watch::Receiver<bool>,
) {
    let limits = config.limits.clone();
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        clock: Arc::clone(&clock),
        replacement: None,
    });
    let service_clock = Arc::clone(&clock);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let guard = service_clock.request_started();
        request.extensions_mut().insert(ClientAddr(peer));
        let app = app.clone();
        async move {
            let response = if busy {
                too_many_connections(&request)
            } else {
                app.oneshot(request.map(Body::new))
                    .await
                    .unwrap_or_else(|never| match never {})
            };
            Ok::<_, std::convert::Infallible>(response.map(|body| {
                Body::new(Guarded {
                    inner: body,
                    _guard: guard,
                })
            }))
        }
    });

    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(!busy)
        // Backstops well above the relay's own limits, which answer first, with CORS headers
        // and X-Relay-Error (see `front` in lib.rs). Past these hyper answers by itself.
        .max_headers(limits.max_headers.saturating_mul(2).max(100))
        .max_buf_size(
            (limits.max_uri + limits.max_header_bytes)
                .saturating_mul(2)
                .max(16 * 1024),
        );
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutting_down = *stopping.borrow();
    if shutting_down {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        let deadline = clock.deadline(&limits, config.upstream_timeout);
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = tokio::time::sleep_until(deadline.into()) => {
                if clock.deadline(&limits, config.upstream_timeout) <= Instant::now() {
                    return; // dropping the connection closes it
                }
            }
            _ = clock.changed.notified() => {}
            _ = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The answer on a connection over `--max-connections`.
fn too_many_connections<B>(request: &Request<B>) -> Response<Body> {
    let mut response = relay_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "too-many-connections",
        "the relay has as many open connections as it takes; try again in a moment",
    );
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    add_cors(
        headers,
        request.headers().get(header::ORIGIN).cloned(),
        false,
    );
    response
}

/// What one connection is doing, for its watchdog.
struct Clock {
    state: Mutex<Phase>,
    changed: Notify,
}

#[derive(Clone, Copy)]
struct Phase {
    /// When the current request was handed to the relay, while it is being served.
    serving_since: Option<Instant>,
    /// When the connection began waiting for its next request.
    waiting_since: Instant,
    /// When the first byte of the next request arrived.
    first_byte_at: Option<Instant>,
    /// Requests answered so far.
    served: u64,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            state: Mutex::new(Phase {
                serving_since: None,
                waiting_since: Instant::now(),
                first_byte_at: None,
                served: 0,
            }),
            changed: Notify::new(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut Phase)) {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.changed.notify_one();
    }

    fn bytes_read(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.serving_since.is_none() && state.first_byte_at.is_none() {
            state.first_byte_at = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Whether no request has reached the relay's service on this connection yet.
    fn untouched(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.served == 0 && state.serving_since.is_none()
    }

    fn request_started(self: &Arc<Self>) -> ServingGuard {
        self.update(|s| {
            s.serving_since = Some(Instant::now());
            s.first_byte_at = None;
        });
        ServingGuard(Arc::clone(self))
    }

    fn deadline(&self, limits: &crate::Limits, upstream: Duration) -> Instant {
        let s = *self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(since) = s.serving_since {
            since + limits.body_timeout + upstream + limits.idle_timeout
        } else if s.served == 0 {
            // nginx's client_header_timeout: the first request's header, counted from accept.
            s.waiting_since + limits.header_timeout
        } else if let Some(first) = s.first_byte_at {
            first + limits.header_timeout
        } else {
            s.waiting_since + limits.idle_timeout
        }
    }
}

/// Held by the answer's body: when hyper has sent it and drops it, the connection waits again.
struct ServingGuard(Arc<Clock>);

impl Drop for ServingGuard {
    fn drop(&mut self) {
        self.0.update(|s| {
            s.serving_since = None;
            s.waiting_since = Instant::now();
            s.served += 1;
        });
    }
}

/// An answer body that keeps the connection in its "serving" phase until it is dropped.
struct Guarded {
    inner: Body,
    _guard: ServingGuard,
}

impl http_body::Body for Guarded {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The TCP stream, telling the watchdog when bytes arrive, and putting the relay's own answer
/// in place of hyper's when hyper refuses a request by itself.
struct Watched {
    inner: TcpStream,
    clock: Arc<Clock>,
    /// The relay's answer being written instead of hyper's, and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
}

impl Watched {
    /// hyper answers a request its parser refuses (400 malformed, 414, 431 past its backstop
    /// limits, 505) by writing a bare status itself, without CORS headers or `X-Relay-Error`, and
    /// closes. On a connection where no request has reached the relay yet, anything hyper writes
    /// can only be such an answer, so it is swapped for the relay's own. (On a kept-alive
    /// connection hyper's bytes cannot be told apart from the tail of the previous answer, so
    /// there hyper's bare answer goes out; the relay's own limits, well below hyper's, answer
    /// first in every case a browser can cause.)
    fn poll_replacement(
        &mut self,
        cx: &mut Context<'_>,
        first: &[u8],
        len: usize,
    ) -> Option<Poll<io::Result<usize>>> {
        if self.replacement.is_none() {
            if !(first.starts_with(b"HTTP/1.") && self.clock.untouched()) {
                return None;
            }
            let status = first
                .get(9..12)
                .and_then(|code| std::str::from_utf8(code).ok())
                .and_then(|code| code.parse::<u16>().ok())
                .unwrap_or(400);
            self.replacement = Some((parser_refusal(status), 0));
        }
        let (bytes, written) = self.replacement.as_mut()?;
        while *written < bytes.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => {
                    return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into())))
                }
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(err)) => return Some(Poll::Ready(Err(err))),
                Poll::Pending => return Some(Poll::Pending),
            }
        }
        // hyper's own bytes are swallowed.
        Some(Poll::Ready(Ok(len)))
    }
}

/// The relay's answer for a request hyper's parser refused with `status`.
fn parser_refusal(status: u16) -> Vec<u8> {
    let (status, kind, detail) = match status {
        414 => (status, "uri-too-long", "the request target is too long"),
        431 => (
            status,
            "headers-too-large",
            "the request's header is too large",
        ),
        _ => (
            400,
            "bad-request",
            "the request is not HTTP/1.1 the relay can read",
        ),
    };
    let mut response = relay_error(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        kind,
        detail,
    );
    add_cors(response.headers_mut(), None, false);
    let body = serde_json::json!({ "relay_error": kind, "detail": detail }).to_string();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status().as_u16(),
        response.status().canonical_reason().unwrap_or("")
    );
    for (name, value) in response.headers_mut().iter() {
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(value.to_str().unwrap_or(""));
        out.push_str("\r\n");
    }
    out.push_str("x-content-type-options: nosniff\r\nconnection: close\r\n");
    out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    out.into_bytes()
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.bytes_read();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(done) = self.poll_replacement(cx, buf, buf.len()) {
            return done;
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &b[..]);
        let len = bufs.iter().map(|b| b.len()).sum();
        if let Some(done) = self.poll_replacement(cx, first, len) {
            return done;
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
