//! The servers of the remote-repository tests, all on 127.0.0.1, each
//! started by a test and stopped when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::git;

/// How long a server may take to start listening before the test gives up.
const START_LIMIT: Duration = Duration::from_secs(20);

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `port`, or panics.
fn wait_for_port(port: u16, child: &mut Child) -> bool {
    let start = Instant::now();
    while start.elapsed() < START_LIMIT {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// Where git keeps its helper programs (`git --exec-path`).
fn git_exec_path() -> PathBuf {
    PathBuf::from(git(Path::new("."), &["--exec-path"]))
}

/// `git daemon` serving [`Upstream::served`] on 127.0.0.1, killed on drop.
pub struct GitDaemon {
    child: Option<Child>,
    pub port: u16,
}

impl GitDaemon {
    pub fn start(base: &Path) -> Self {
        // The port is free when chosen but may be taken before the daemon
        // binds it; try a few.
        for _ in 0..5 {
            let port = free_port();
            // `git daemon` would run `git-daemon` as a child that outlives a
            // kill of `git`; run the daemon itself.
            let mut child = Command::new(git_exec_path().join("git-daemon"))
                .args([
                    "--export-all",
                    "--reuseaddr",
                    "--informative-errors",
                    "--listen=127.0.0.1",
                ])
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", base.display()))
                .arg(base)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("git daemon starts");
            if wait_for_port(port, &mut child) {
                return GitDaemon {
                    child: Some(child),
                    port,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start listening");
    }

    /// The URL of the served `platform.git`.
    pub fn url(&self) -> String {
        format!("git://127.0.0.1:{}/platform.git", self.port)
    }

    /// Stops the daemon; its port then refuses connections.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `git http-backend` as CGI behind Python's http.server on 127.0.0.1,
/// optionally demanding Basic authentication, optionally over TLS;
/// killed on drop.
pub struct HttpServer {
    child: Child,
    pub port: u16,
    scheme: &'static str,
}

/// A certificate authority made for one test, and a server certificate
/// for 127.0.0.1 that it signed.
pub struct TestCertificates {
    pub dir: tempfile::TempDir,
}

impl TestCertificates {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let openssl = |args: &[&str]| {
            let output = Command::new("openssl")
                .current_dir(dir.path())
                .args(args)
                .output()
                .expect("openssl runs");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        openssl(
            &[
                &["req", "-x509"],
                &ec[..],
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=confdiff test CA",
                ],
            ]
            .concat(),
        );
        openssl(
            &[
                &["req"],
                &ec[..],
                &[
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=127.0.0.1",
                ],
            ]
            .concat(),
        );
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
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
        TestCertificates { dir }
    }

    /// The CA certificate, for `SSL_CERT_FILE`.
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

impl HttpServer {
    /// Serves `base`; with `auth` = `user:password`, every request needs
    /// it; with `tls`, over https.
    pub fn start(base: &Path, auth: Option<&str>, tls: Option<&TestCertificates>) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/harness/remote/git_http_server.py");
        let mut command = Command::new("python3");
        command
            .arg(script)
            .arg(base)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env_remove("REQUIRED_AUTH")
            .env_remove("TLS_CERT")
            .env_remove("TLS_KEY");
        if let Some(auth) = auth {
            command.env("REQUIRED_AUTH", auth);
        }
        if let Some(certificates) = tls {
            command
                .env("TLS_CERT", certificates.dir.path().join("server.pem"))
                .env("TLS_KEY", certificates.dir.path().join("server.key"));
        }
        let mut child = command.spawn().expect("python3 starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // The server prints its port once it listens.
        let port: u16 = line.trim().parse().expect("the server prints its port");
        HttpServer {
            child,
            port,
            scheme: if tls.is_some() { "https" } else { "http" },
        }
    }

    /// The URL of the served `platform.git`, with `userinfo@` if given.
    pub fn url(&self, userinfo: Option<&str>) -> String {
        let userinfo = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
        format!(
            "{}://{userinfo}127.0.0.1:{}/platform.git",
            self.scheme, self.port
        )
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy on 127.0.0.1 in front of another local port. While
/// stalling is armed, each connection forwards the server's first
/// `stall_after` bytes and then nothing more, reporting that it stalled:
/// the client is left midway through receiving a pack.
pub struct StallingProxy {
    pub port: u16,
    stall_after: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    stalled: mpsc::Receiver<()>,
}

impl StallingProxy {
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stall_after = Arc::new(AtomicUsize::new(usize::MAX));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, stalled) = mpsc::channel();
        {
            let stall_after = Arc::clone(&stall_after);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((client, _)) => {
                            client.set_nonblocking(false).unwrap();
                            let server = TcpStream::connect(("127.0.0.1", target)).unwrap();
                            let limit = stall_after.load(Ordering::Relaxed);
                            let tx = tx.clone();
                            let stop = Arc::clone(&stop);
                            std::thread::spawn(move || relay(client, server, limit, &tx, &stop));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            });
        }
        StallingProxy {
            port,
            stall_after,
            stop,
            stalled,
        }
    }

    /// The URL of `platform.git` through the proxy.
    pub fn url(&self) -> String {
        format!("git://127.0.0.1:{}/platform.git", self.port)
    }

    /// New connections stall after `bytes` bytes from the server.
    pub fn stall_after(&self, bytes: usize) {
        self.stall_after.store(bytes, Ordering::Relaxed);
    }

    /// New connections pass everything.
    pub fn pass_everything(&self) {
        self.stall_after.store(usize::MAX, Ordering::Relaxed);
    }

    /// Waits until a connection stalls (bounded, so a broken test fails
    /// instead of hanging).
    pub fn wait_for_stall(&self) {
        self.stalled
            .recv_timeout(Duration::from_secs(120))
            .expect("a connection stalled midway");
    }
}

impl Drop for StallingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn relay(
    client: TcpStream,
    server: TcpStream,
    limit: usize,
    stalled: &mpsc::Sender<()>,
    stop: &AtomicBool,
) {
    let mut client_reader = client.try_clone().unwrap();
    let mut server_writer = server.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_reader, &mut server_writer);
        let _ = server_writer.shutdown(Shutdown::Write);
    });
    let mut server_reader = server;
    let mut client_writer = client;
    let mut forwarded = 0usize;
    let mut buf = [0u8; 4096];
    loop {
        let n = match server_reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let allowed = n.min(limit.saturating_sub(forwarded));
        if client_writer.write_all(&buf[..allowed]).is_err() {
            return;
        }
        forwarded += allowed;
        if allowed < n {
            let _ = stalled.send(());
            // Hold the connection open, sending nothing, until the test
            // ends: the client is stuck midway.
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
            return;
        }
    }
    let _ = client_writer.shutdown(Shutdown::Write);
}

/// What a [`RefusingServer`] answers to every request.
#[derive(Clone)]
pub enum Refusal {
    /// An HTTP answer with this status line, content type and body.
    Http {
        status: &'static str,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// Accepts the connection, reads the request, and closes it without
    /// a word (as a crashed or overloaded server does).
    HangUp,
}

/// A server on 127.0.0.1 that refuses every request the same way, the way
/// a hosting service's front end does (an error page, an `ERR` line, a
/// dropped connection); stopped on drop.
pub struct RefusingServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// How many requests it answered.
    pub requests: Arc<AtomicUsize>,
}

impl RefusingServer {
    pub fn start(refusal: Refusal) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        {
            let stop = Arc::clone(&stop);
            let requests = Arc::clone(&requests);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((mut client, _)) => {
                            requests.fetch_add(1, Ordering::Relaxed);
                            client.set_nonblocking(false).unwrap();
                            client
                                .set_read_timeout(Some(Duration::from_secs(5)))
                                .unwrap();
                            read_request_head(&mut client);
                            if let Refusal::Http {
                                status,
                                content_type,
                                body,
                            } = &refusal
                            {
                                let head = format!(
                                    "HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                    body.len()
                                );
                                let _ = client.write_all(head.as_bytes());
                                let _ = client.write_all(body);
                            }
                            let _ = client.shutdown(Shutdown::Both);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            });
        }
        RefusingServer {
            port,
            stop,
            requests,
        }
    }

    /// The URL of a repository on it, `scheme` being `http` or `git`.
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/acme/platform.git", self.port)
    }
}

impl Drop for RefusingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads up to the end of an HTTP request head, or whatever a git://
/// client sends first; gives up quietly on a timeout.
fn read_request_head(client: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = client.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        let http_done = seen.windows(4).any(|w| w == b"\r\n\r\n");
        let git_request = !seen.starts_with(b"GET ") && !seen.starts_with(b"POST ");
        if http_done || git_request {
            break;
        }
    }
}
