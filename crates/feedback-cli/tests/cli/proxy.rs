//! Managed networks (issue 19): a proxy the environment names, `NO_PROXY`,
//! and an organisation's own root certificate, tried as a managed machine
//! has them. The proxy here records what reaches it and, for `CONNECT`,
//! tunnels to a TLS front of the sandbox whose certificate a CA made by
//! the test signed for `wemasy.test`; the CLI trusts that CA only when the
//! system's certificate store has it (`SSL_CERT_FILE`, which the platform
//! verifier reads on Linux as OpenSSL does).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::{Arc, Mutex};

use feedback_sandbox::{Config, Sandbox};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{Feedback, Run, TOKEN, sandbox, submit_args};

/// The host the organisation's server is known by.
const HOST: &str = "wemasy.test";

/// A certificate authority made for the test, and a server certificate
/// for [`HOST`] it signed (openssl, as an organisation's PKI would).
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn make() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let status = StdCommand::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("openssl is installed");
            assert!(status.success(), "openssl {args:?}");
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        run(&[
            &["req", "-x509"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
            &["-subj", "/CN=Organisation Test CA"],
            &["-addext", "basicConstraints=critical,CA:TRUE"],
            &["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ]
        .concat());
        run(&[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=wemasy.test",
            ],
        ]
        .concat());
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=DNS:wemasy.test\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        Self { dir }
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A TLS front for `sandbox`, with the server certificate.
    async fn front(&self, sandbox: &Sandbox) -> SocketAddr {
        let certs = CertificateDer::pem_file_iter(self.dir.path().join("server.pem"))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(self.dir.path().join("server.key")).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let front = listener.local_addr().unwrap();
        let upstream = sandbox.addr();
        tokio::spawn(async move {
            while let Ok((connection, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(connection).await else {
                        return;
                    };
                    if let Ok(mut plain) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
        front
    }
}

/// What a proxy saw: each request's head, and every byte a client sent.
#[derive(Debug, Default)]
struct Seen {
    heads: Vec<String>,
    bytes: Vec<u8>,
}

/// A forward proxy that records what reaches it and tunnels every
/// `CONNECT` to `to` (whatever host it names: the test's DNS).
async fn recording_proxy(to: SocketAddr) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let recording = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = recording.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let tunnel = text.starts_with("CONNECT ");
                {
                    let mut seen = seen.lock().unwrap();
                    seen.bytes.extend_from_slice(&head);
                    seen.heads.push(text);
                }
                if !tunnel {
                    let _ = client
                        .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    return;
                }
                let Ok(upstream) = TcpStream::connect(to).await else {
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let (mut from_client, mut to_client) = client.into_split();
                let (mut from_server, mut to_server) = upstream.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
                });
                let mut buffer = [0u8; 4096];
                loop {
                    let n = from_client.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 || to_server.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                    seen.lock().unwrap().bytes.extend_from_slice(&buffer[..n]);
                }
            });
        }
    });
    (address, seen)
}

/// `feedback ARGS` for the organisation's server at [`HOST`], through
/// the environment's `proxy`, trusting `ca` when given.
async fn run_via(
    feedback: &Feedback,
    proxy: &str,
    ca: Option<&Path>,
    no_proxy: Option<&str>,
    args: &[&str],
) -> Run {
    let mut command = feedback.command(&format!("https://{HOST}/api"), Some(TOKEN), args);
    for variable in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
    ] {
        command.env(variable, proxy);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    if let Some(hosts) = no_proxy {
        command.env("NO_PROXY", hosts);
    }
    // The system's store, as the platform verifier reads it on Linux:
    // with the test's CA, or as the machine has it (without).
    match ca {
        Some(ca) => command.env("SSL_CERT_FILE", ca),
        None => command.env_remove("SSL_CERT_FILE"),
    };
    command.env_remove("SSL_CERT_DIR");
    Run(command.output().await.unwrap())
}

/// The organisation's network: its PKI, its server (the sandbox behind a
/// TLS front) and a recording proxy every request is to go through.
struct Network {
    pki: Pki,
    sandbox: Sandbox,
    proxy: String,
    seen: Arc<Mutex<Seen>>,
    feedback: Feedback,
}

impl Network {
    async fn start() -> Self {
        let pki = Pki::make();
        let sandbox = sandbox(Config::default()).await;
        let (proxy, seen) = recording_proxy(pki.front(&sandbox).await).await;
        Self {
            pki,
            sandbox,
            proxy,
            seen,
            feedback: Feedback::new(),
        }
    }

    /// `feedback submit` of a ticket titled `subject`, with the system's
    /// store holding the organisation's CA (`trusted`) or not, and
    /// `no_proxy` as `NO_PROXY`.
    async fn submit(&self, subject: &str, trusted: bool, no_proxy: Option<&str>) -> Run {
        let ca = trusted.then(|| self.pki.ca());
        run_via(
            &self.feedback,
            &self.proxy,
            ca.as_deref(),
            no_proxy,
            &submit_args(subject),
        )
        .await
    }
}

/// A ticket for the organisation's server goes through the proxy the
/// environment names, as one encrypted tunnel: the proxy sees where to,
/// never the token or the ticket; the server's certificate is checked
/// against the system's store, which holds the organisation's CA.
#[tokio::test]
async fn a_ticket_goes_through_the_named_proxy_which_sees_no_token() {
    let network = Network::start().await;
    let run = network.submit("Proxied", true, None).await;
    assert_eq!(run.code(), 0, "{run:?}");
    assert_eq!(
        network.sandbox.tickets().len(),
        1,
        "the ticket reached the server"
    );
    let seen = network.seen.lock().unwrap();
    assert_eq!(seen.heads.len(), 1, "{:?}", seen.heads);
    assert!(
        seen.heads[0].starts_with(&format!("CONNECT {HOST}:443 ")),
        "{:?}",
        seen.heads[0]
    );
    let clear = String::from_utf8_lossy(&seen.bytes);
    assert!(
        !clear.contains(TOKEN) && !clear.to_lowercase().contains("authorization"),
        "the proxy saw no token: {clear:?}"
    );
    assert!(!clear.contains("Proxied"), "nor the ticket");
}

/// A server whose certificate the system's store does not vouch for is not
/// sent to: the ticket waits, and nothing reached the server.
#[tokio::test]
async fn a_certificate_the_system_does_not_trust_is_refused() {
    let network = Network::start().await;
    let run = network.submit("Untrusted", false, None).await;
    assert_eq!(run.code(), 5, "queued: {run:?}");
    assert!(run.stderr().contains("certificate"), "{run:?}");
    assert!(network.sandbox.tickets().is_empty());
}

/// `NO_PROXY` naming the server's host: straight there, nothing to the proxy.
#[tokio::test]
async fn no_proxy_sends_straight_to_the_server() {
    let network = Network::start().await;
    let no_proxy = format!("example.org,.{HOST}");
    let run = network.submit("Direct", true, Some(&no_proxy)).await;
    // Straight to wemasy.test, which no DNS knows: it waits.
    assert_eq!(run.code(), 5, "{run:?}");
    assert!(
        network.seen.lock().unwrap().heads.is_empty(),
        "the proxy was not asked"
    );
}

/// `feedback doctor` tells which proxy requests would use, without the
/// proxy's password, and that a server on this machine goes direct.
#[tokio::test]
async fn doctor_tells_which_proxy_a_request_would_use() {
    let feedback = Feedback::new();
    let with_password = "http://agent:s3cret-pw@proxy.corp.example:3128";
    let run = run_via(&feedback, with_password, None, None, &["doctor"]).await;
    let said = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        said.contains(
            "through the proxy http://proxy.corp.example:3128, with a user name and password"
        ),
        "{said}"
    );
    assert!(!said.contains("s3cret-pw"), "no password: {said}");

    let run = run_via(&feedback, with_password, None, Some(HOST), &["doctor"]).await;
    let said = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        said.contains("network: direct (no proxy is set for this server)"),
        "{said}"
    );

    let local = sandbox(Config::default()).await;
    let mut command = feedback.command(&local.base_url(), Some(TOKEN), &["doctor"]);
    command
        .env("HTTPS_PROXY", with_password)
        .env("HTTP_PROXY", with_password);
    let run = Run(command.output().await.unwrap());
    let said = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        said.contains(
            "network: direct (a server on this machine is never reached through a proxy)"
        ),
        "{said}"
    );
}
