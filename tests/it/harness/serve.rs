//! `confdiff serve` as a real process on a free 127.0.0.1 port, and a
//! plain HTTP client for it. The server is killed when the value drops.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::confdiff;

/// A running server.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database it saves in.
    pub db: PathBuf,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

/// One answer: status, headers, body.
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, as bytes.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// The `{"error": ...}` message, asserting the status.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "body: {}", self.text());
        self.json()["error"].as_str().unwrap().to_owned()
    }
}

impl Server {
    /// Starts `confdiff serve --listen 127.0.0.1:0 --db <new db> ARGS`.
    pub fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("serve.db");
        Self::start_with_db(dir, db, args)
    }

    /// Starts a server on the database `db`.
    pub fn start_on(db: &Path, args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        Self::start_with_db(dir, db.to_path_buf(), args)
    }

    /// Starts a server with `env` set in its environment.
    pub fn start_with_env(env: &[(&str, &str)], args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("serve.db");
        Self::spawn(dir, db, env, args)
    }

    fn start_with_db(dir: tempfile::TempDir, db: PathBuf, args: &[&str]) -> Server {
        Self::spawn(dir, db, &[], args)
    }

    fn spawn(dir: tempfile::TempDir, db: PathBuf, env: &[(&str, &str)], args: &[&str]) -> Server {
        let mut child = confdiff()
            .envs(env.iter().copied())
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("confdiff serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (ready, address) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut ready = Some(ready);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("listening on ")
                    && let Some(ready) = ready.take()
                {
                    let _ = ready.send(address.to_owned());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let base = match address.recv_timeout(Duration::from_secs(30)) {
            Ok(base) => base,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().unwrap();
                panic!(
                    "the server did not start ({status}): {}",
                    log.lock().unwrap()
                );
            }
        };
        Server {
            child: Some(child),
            base,
            db,
            log,
            _dir: dir,
        }
    }

    /// Everything the server wrote on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Kills the process (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// Sends SIGTERM and waits (at most `limit`) for the exit code.
    pub fn terminate(&mut self, limit: Duration) -> Option<i32> {
        let pid = self.pid().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let mut child = self.child.take().unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.code();
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                panic!("the server did not stop within {limit:?}: {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `METHOD PATH` with an optional JSON body and bearer token.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        token: Option<&str>,
    ) -> Answer {
        let client = client();
        let mut request = client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.base),
        );
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("the server answers");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().unwrap().to_vec(),
        }
    }

    /// `GET PATH`.
    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, None, None)
    }

    /// `POST PATH` with a JSON body.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> Answer {
        self.request("POST", path, Some(body.to_string().as_bytes()), None)
    }

    /// Polls `GET PATH` while it says `running`; the first other answer.
    pub fn until_done(&self, path: &str) -> Answer {
        let started = Instant::now();
        loop {
            let answer = self.get(path);
            let running = answer.status == 200
                && serde_json::from_slice::<serde_json::Value>(&answer.body)
                    .is_ok_and(|v| v["status"] == "running");
            if !running {
                return answer;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{path} still running after two minutes"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A client that never goes through a proxy.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A repository of `services` services whose config files have `keys`
/// keys each, different on every side: a comparison that takes a while.
pub fn large_repo(services: usize, keys: usize) -> super::TestRepo {
    let mut repo = super::TestRepo::new();
    for service in 0..services {
        for (side, offset) in [("implementation_1", 0), ("implementation_2", 1)] {
            let mut text = String::new();
            for key in 0..keys {
                text.push_str(&format!(
                    "key_{key}:\n  value: {}\n  list: [a, b, {key}]\n",
                    key * 2 + offset * (key % 3)
                ));
            }
            repo.write(
                &format!("{side}/service-{service:04}/configuration.yml"),
                text,
            );
        }
    }
    repo.commit("large");
    repo
}
