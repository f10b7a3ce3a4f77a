//! [`Http`]: how one request reaches a server and its reply comes back,
//! as the [`Client`](crate::Client) needs it: a POST, the reply's head, and
//! its body a piece at a time (so a body that breaks off is told from one
//! that arrived whole).
//!
//! [`Reqwest`] is the one the app and the CLI use: reqwest over rustls,
//! redirects never followed, plain HTTP only where the base allows it, and
//! no proxy for a server on this machine. The seeded simulation puts its
//! own in-process network in its place.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, redirect};
use serde::Serialize;
use url::Url;

use crate::api_base::ApiBase;
use crate::transport::TransportError;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One request, whole.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    /// Sensitive values (the token) are marked so: they print as `Sensitive`.
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A reply's head, and its body still to be read.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Box<dyn Body>,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// A reply's body as it arrives.
pub trait Body: Send {
    /// The next piece; `None` once the body is whole. An error: the
    /// connection broke off before it was.
    fn chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<u8>>, TransportError>>;
}

/// Sends requests to servers.
pub trait Http: Send + Sync + fmt::Debug {
    /// Sends `request` and waits for the reply's head. `Err`: no reply came.
    fn post(&self, request: Request) -> BoxFuture<'static, Result<Response, TransportError>>;
}

/// reqwest over rustls, for one API base's server.
#[derive(Debug, Clone)]
pub struct Reqwest(reqwest::Client);

impl Reqwest {
    /// A client for `base`'s server: HTTPS unless the base is on this
    /// machine, redirects never followed (one could carry the token to
    /// another host), and no proxy for this machine (a proxy would see the
    /// request, token and all, in clear, and could not reach it anyway).
    pub fn for_base(base: &ApiBase, connect_timeout: Duration) -> Result<Self, reqwest::Error> {
        // The process's one TLS crypto provider (ring, as the updater's):
        // reqwest is built without one of its own. Installed once; later
        // calls find it there.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(redirect::Policy::none())
            .https_only(base.is_https());
        if !may_use_proxy(base) {
            builder = builder.no_proxy();
        }
        Ok(Self(builder.build()?))
    }
}

/// Whether a request to `base` may go through a proxy the environment
/// names: never for a server on this machine, which a proxy would see
/// (token and all, in clear) and could not reach.
pub fn may_use_proxy(base: &ApiBase) -> bool {
    !base.is_loopback()
}

/// The way requests to a server go, as diagnostics tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Route {
    /// A server on this machine: never through a proxy.
    ThisMachine,
    /// Straight to the server: no proxy is set for it, or `NO_PROXY` (or
    /// the OS's exceptions) name its host.
    Direct,
    /// Through `proxy`, its address without any user name or password
    /// (`host` and `port` apart); `with_password`: the proxy's address
    /// carries them.
    Proxy {
        proxy: String,
        host: String,
        port: u16,
        with_password: bool,
    },
}

impl Route {
    /// Where requests to `base` go now: the proxy reqwest would take, from
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either
    /// case), and on Windows and macOS the OS's own proxy settings.
    /// Automatic configuration (PAC, WPAD) is not read (the README says so).
    pub fn to(base: &ApiBase) -> Self {
        if !may_use_proxy(base) {
            return Self::ThisMachine;
        }
        let Ok(uri) = base.as_str().parse::<http::Uri>() else {
            return Self::Direct;
        };
        let matcher = hyper_util::client::proxy::matcher::Matcher::from_system();
        match matcher.intercept(&uri) {
            None => Self::Direct,
            Some(intercept) => {
                let proxy = intercept.uri();
                let scheme = proxy.scheme_str().unwrap_or("http");
                let host = proxy.host().unwrap_or_default().to_owned();
                let port = proxy.port_u16().unwrap_or(match scheme {
                    "https" => 443,
                    "socks5" | "socks5h" => 1080,
                    _ => 80,
                });
                Self::Proxy {
                    proxy: format!("{scheme}://{host}:{port}"),
                    host,
                    port,
                    with_password: intercept.basic_auth().is_some()
                        || proxy.authority().is_some_and(|a| a.as_str().contains('@')),
                }
            }
        }
    }

    /// In words for a person (and "Copy diagnostics").
    pub fn describe(&self) -> String {
        match self {
            Self::ThisMachine => {
                "direct (a server on this machine is never reached through a proxy)".to_owned()
            }
            Self::Direct => "direct (no proxy is set for this server)".to_owned(),
            Self::Proxy {
                proxy,
                with_password,
                ..
            } => format!(
                "through the proxy {proxy}{} (from HTTPS_PROXY, HTTP_PROXY or ALL_PROXY, or the system's proxy settings; NO_PROXY lists hosts that go direct)",
                if *with_password {
                    ", with a user name and password"
                } else {
                    ""
                }
            ),
        }
    }
}

impl Http for Reqwest {
    fn post(&self, request: Request) -> BoxFuture<'static, Result<Response, TransportError>> {
        let sent = self
            .0
            .post(request.url)
            .headers(request.headers)
            .body(request.body)
            .send();
        Box::pin(async move {
            let response = sent.await.map_err(TransportError::from_reqwest)?;
            Ok(Response {
                status: response.status(),
                headers: response.headers().clone(),
                body: Box::new(response),
            })
        })
    }
}

impl Body for reqwest::Response {
    fn chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            reqwest::Response::chunk(self)
                .await
                .map(|chunk| chunk.map(|bytes| bytes.to_vec()))
                .map_err(TransportError::from_reqwest)
        })
    }
}
