//! A small HTTP load generator for the benchmark (`benches/run.sh`): N
//! clients, each on one keep-alive connection, send the same request
//! (optionally made cold, see `--cold`) and time every answer. Prints one
//! JSON line: `{"runs_ms": [...], "median_ms", "p99_ms", "rps",
//! "requests", "clients"}`. Every answer must have the expected status.
//!
//!     load --addr 127.0.0.1:8080 --path /api/comparisons --clients 16 \
//!          --requests 200 --status 201 --body '{"left":"a","right":"b"}'
//!
//! With `--cold`, the text `{n}` in the body is replaced by a number unique
//! to each request, so a body such as `"max_file_size": {n}` asks for
//! options no earlier request used: nothing is answered from the cache.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Options {
    addr: String,
    path: String,
    body: Option<String>,
    clients: usize,
    requests: usize,
    status: u16,
    cold: bool,
}

fn options() -> Options {
    let mut options = Options {
        addr: String::new(),
        path: "/".to_owned(),
        body: None,
        clients: 1,
        requests: 100,
        status: 200,
        cold: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--addr" => options.addr = value(),
            "--path" => options.path = value(),
            "--body" => options.body = Some(value()),
            "--clients" => options.clients = number(&value()),
            "--requests" => options.requests = number(&value()),
            "--status" => options.status = number(&value()) as u16,
            "--cold" => options.cold = true,
            other => fail(&format!("unknown argument '{other}'")),
        }
    }
    if options.addr.is_empty() {
        fail("--addr HOST:PORT is required");
    }
    options
}

fn number(text: &str) -> usize {
    text.parse()
        .unwrap_or_else(|_| fail(&format!("'{text}' is not a number")))
}

fn fail(message: &str) -> ! {
    eprintln!("load: {message}");
    std::process::exit(2)
}

/// One keep-alive connection.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    fn open(addr: &str) -> Connection {
        let stream = TcpStream::connect(addr)
            .unwrap_or_else(|e| fail(&format!("cannot connect to {addr}: {e}")));
        stream.set_nodelay(true).ok();
        stream.set_read_timeout(Some(Duration::from_secs(120))).ok();
        Connection {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Sends one request and reads the whole answer; its status.
    fn send(&mut self, addr: &str, path: &str, body: Option<&str>) -> u16 {
        let request = match body {
            Some(body) => format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
            None => format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        };
        self.writer
            .write_all(request.as_bytes())
            .unwrap_or_else(|e| fail(&format!("cannot send: {e}")));
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .unwrap_or_else(|e| fail(&format!("no answer: {e}")));
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| fail(&format!("not an HTTP status line: {line:?}")));
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        status
    }
}

fn main() {
    let options = options();
    let counter = AtomicU64::new(0);
    let per_client = options.requests.div_ceil(options.clients);
    let started = Instant::now();
    let latencies: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..options.clients)
            .map(|_| {
                let options = &options;
                let counter = &counter;
                scope.spawn(move || {
                    let mut connection = Connection::open(&options.addr);
                    let mut times = Vec::with_capacity(per_client);
                    for _ in 0..per_client {
                        let body = options.body.as_ref().map(|body| {
                            if options.cold {
                                let n = 16 * 1024 * 1024 + counter.fetch_add(1, Ordering::SeqCst);
                                body.replace("{n}", &n.to_string())
                            } else {
                                body.clone()
                            }
                        });
                        let clock = Instant::now();
                        let status = connection.send(&options.addr, &options.path, body.as_deref());
                        times.push(clock.elapsed().as_secs_f64() * 1000.0);
                        if status != options.status {
                            fail(&format!("status {status}, expected {}", options.status));
                        }
                    }
                    times
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let wall = started.elapsed().as_secs_f64();
    let requests = latencies.len();
    let mut sorted = latencies.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((requests as f64 * q).ceil() as usize).clamp(1, requests) - 1];
    println!(
        "{{\"runs_ms\": {:?}, \"median_ms\": {:.3}, \"p99_ms\": {:.3}, \"rps\": {:.1}, \"requests\": {requests}, \"clients\": {}}}",
        latencies,
        at(0.5),
        at(0.99),
        requests as f64 / wall,
        options.clients
    );
}
