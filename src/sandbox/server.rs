//! The server's lifecycle: [`Sandbox`] binds, serves on the current tokio runtime and stops
//! when dropped; it counts connections and requests.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{extract::Request, response::Response, Router};

use super::{
    routing::{find_operation, handle, respond, Served},
    Service,
};

/// Everything the server shares between requests.
pub(super) struct Shared {
    pub(super) served: Vec<Served>,
    connections: Arc<AtomicU64>,
    pub(super) log: bool,
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

impl Sandbox {
    /// Serves on a free loopback port, on the current tokio runtime.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::bind(SocketAddr::from(([127, 0, 0, 1], 0)), false).await
    }

    /// Serves on `addr`; with `log`, one `tracing` info line per request
    /// (target `partner_bindings::sandbox`).
    pub async fn bind(addr: SocketAddr, log: bool) -> std::io::Result<Sandbox> {
        let served = Service::ALL
            .iter()
            .map(|p| Served::load(*p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicU64::new(0));
        let shared = Arc::new(Shared {
            served,
            connections: connections.clone(),
            log,
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listener = Counting {
            inner: listener,
            count: connections,
        };
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
            serving: Some(serving),
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to give a provider's client, e.g. `http://127.0.0.1:<port>/rentalcover`.
    pub fn base_url(&self, provider: Service) -> String {
        format!("{}/{}", self.url(), provider.name())
    }

    /// Requests received for `operation` (`"<provider>.<operationId>"`, e.g.
    /// `"rentalcover.updateInsurance"`), whatever their outcome; 0 for an unknown name.
    pub fn received(&self, operation: &str) -> u64 {
        received(&self.shared, operation)
    }

    /// Applies `fault` (the `X-Sandbox-Fault` syntax, e.g. `"reset"`, `"status=429,retry-after=1"`)
    /// to every following request of `operation` (`"<provider>.<operationId>"`) until
    /// called again with `None`; a request's own header still wins. Returns false for an
    /// unknown operation.
    pub fn inject(&self, operation: &str, fault: Option<&str>) -> bool {
        match find_operation(&self.shared, operation) {
            Some(op) => {
                *op.injected.write().unwrap_or_else(|e| e.into_inner()) = fault.map(str::to_owned);
                true
            }
            None => false,
        }
    }

    /// Requests received per operation.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        counts(&self.shared)
    }

    /// TCP connections accepted so far (to see that clients reuse connections).
    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// Handles one request in-process, without the network, exactly as the server would
    /// (used by the fuzz target for the sandbox's request handling).
    #[doc(hidden)]
    pub async fn handle_in_process(&self, request: Request) -> Response {
        respond(&self.shared, request).await
    }

    /// Stops serving and closes the port (a client then gets "connection refused"), waiting
    /// up to 2 s for open connections to end; the counters stay readable, so a test can see
    /// from the sandbox itself that nothing reached it.
    pub async fn close(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serving) = self.serving.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), serving).await;
        }
    }

    /// Runs until `shutdown` completes (the CLI's `sandbox` command).
    pub async fn serve_until(mut self, shutdown: impl std::future::Future<Output = ()>) {
        shutdown.await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn received(shared: &Shared, operation: &str) -> u64 {
    find_operation(shared, operation).map_or(0, |op| op.received.load(Ordering::Relaxed))
}

pub(super) fn counts(shared: &Shared) -> BTreeMap<String, u64> {
    shared
        .served
        .iter()
        .flat_map(|s| {
            s.operations.iter().map(move |op| {
                (
                    format!("{}.{}", s.provider.name(), op.id),
                    op.received.load(Ordering::Relaxed),
                )
            })
        })
        .collect()
}

/// A listener that counts the connections it accepts.
struct Counting {
    inner: tokio::net::TcpListener,
    count: Arc<AtomicU64>,
}

impl axum::serve::Listener for Counting {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let _ = io.set_nodelay(true);
                    self.count.fetch_add(1, Ordering::Relaxed);
                    return (io, addr);
                }
                // Like axum's own listener: back off on errors (e.g. too many open files).
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
