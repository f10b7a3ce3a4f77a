//! [`InProcess`]: the sandbox answering requests handed to it in this
//! process, with no socket and its clock given: the seeded simulation's
//! server. Every behaviour is the served sandbox's (the same router and
//! app); only the connection is left to the caller, which decides what of
//! a reply reaches the client.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use tower::ServiceExt;

use crate::config::Config;
use crate::endpoint::{self, App, Hangup, Now};
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct InProcess {
    app: Arc<App>,
    router: axum::Router,
}

impl InProcess {
    /// A server as `config` says (in memory: `data_dir` is not used),
    /// whose throttle and timestamps read `now`.
    pub fn new(config: &Config, now: Now) -> Self {
        let app = Arc::new(App::with_clock(config, Store::default(), now));
        let router = endpoint::router(app.clone());
        Self { app, router }
    }

    /// The server's state: stored tickets, stats, switches.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Answers `request`, come from `peer`, as the served sandbox would.
    /// `None`: the server closed the connection without a reply (a drop
    /// fault). A stalled request never ends; the caller gives up on it.
    pub async fn call(
        &self,
        mut request: Request<Body>,
        peer: SocketAddr,
    ) -> Option<Response<Body>> {
        let hangup = Hangup::default();
        let hung_up = hangup.0.clone();
        request.extensions_mut().insert(hangup);
        request.extensions_mut().insert(ConnectInfo(peer));
        let answered = self.router.clone().oneshot(request);
        tokio::select! {
            biased;
            response = answered => response.ok(),
            () = hung_up.notified() => None,
        }
    }
}
