//! [`Sandbox`]: a running server. It runs its own accept loop (rather than
//! `axum::serve`) so that a handler can close its connection without a
//! reply, which the drop faults need.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::config::{Config, Faults};
pub use crate::endpoint::Stats;
use crate::endpoint::{self, App, Hangup};
use crate::store::{Store, StoreError, StoredTicket};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A running sandbox. Dropping it stops it.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    pub async fn start(config: Config) -> Result<Self, Error> {
        let store = Store::open(config.data_dir.as_deref())?;
        let app = Arc::new(App::new(&config, store));
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let (stop, stopped) = watch::channel(false);
        let router = endpoint::router(app.clone());
        let task = tokio::spawn(accept_loop(listener, router, stopped));
        Ok(Self {
            addr,
            app,
            stop,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base, such as `http://127.0.0.1:8787/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// Every stored ticket, in the order received.
    pub fn tickets(&self) -> Vec<StoredTicket> {
        self.app.tickets()
    }

    pub fn stats(&self) -> Stats {
        self.app.stats()
    }

    /// Makes the user of `token` get 403 from the next request on: a
    /// permission revoked while the client runs. A token no user has is
    /// ignored (it gets 401 anyway).
    pub fn forbid(&self, token: &str) {
        self.app.set_forbidden(token, true);
    }

    /// Undoes [`forbid`](Self::forbid); also lifts a configured
    /// `forbidden_tokens` entry.
    pub fn allow(&self, token: &str) {
        self.app.set_forbidden(token, false);
    }

    /// The faults now.
    pub fn faults(&self) -> Faults {
        self.app.faults()
    }

    /// Replaces the faults from the next request on. The request count that
    /// "every Nth" refers to goes on; it does not restart.
    pub fn set_faults(&self, faults: Faults) {
        self.app.update_faults(|current| *current = faults);
    }

    /// Stops listening and closes every connection, stalled ones included.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A transient accept error (such as too many open files) must not end the server.
                Err(_) => continue,
            },
            _ = stopped.changed() => return,
        };
        let router = router.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let hangup = Hangup::default();
            let signal = hangup.0.clone();
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(hangup.clone());
                    request.extensions_mut().insert(ConnectInfo(peer));
                    router.clone().oneshot(request)
                });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            // Dropping the connection future closes the socket, reply or not.
            tokio::select! {
                _ = connection => {}
                _ = signal.notified() => {}
                _ = stopped.changed() => {}
            }
        });
    }
}
