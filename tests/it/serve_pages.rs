//! `confdiff serve`'s pages: as HTML over HTTP, and in headless Chromium
//! driven through chromedriver (Debian's `chromium` and `chromium-driver`;
//! the test fails when they are missing). Screenshots are kept under
//! `target/screenshots/`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::harness::sample_repo;
use crate::harness::serve::{Server, client};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

fn repo_path(repo: &crate::harness::TestRepo) -> String {
    repo.path().canonicalize().unwrap().display().to_string()
}

#[test]
fn pages_list_runs_show_differences_and_draw_histories() {
    let mut repo = sample_repo();
    repo.write(
        "implementation_2/billing/configuration.yml",
        "replicas: 9\n",
    );
    repo.commit("billing scaled");
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    let run = server
        .post(
            "/api/comparisons",
            &json!({"left": "implementation_1", "right": "implementation_2"}),
        )
        .json();
    let id = run["run_id"].as_i64().unwrap();
    let index = server.get("/").text();
    assert!(
        index.contains("<form class=\"compare\" method=\"post\" action=\"/compare\""),
        "{index}"
    );
    assert!(index.contains(&format!("href=\"/runs/{id}\"")), "{index}");

    let page = server.get(&format!("/runs/{id}?service=billing")).text();
    assert!(
        page.contains("data-service=\"billing\" data-status=\"different\">"),
        "{page}"
    );
    let hidden_others = page.matches(" hidden>").count();
    let not_identical = run["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] != "identical")
        .count();
    assert_eq!(hidden_others, not_identical - 1, "{page}");
    assert!(
        page.contains(">9<"),
        "the right value 9 is not shown: {page}"
    );

    let history = server
        .post(
            "/api/histories",
            &json!({"left": "implementation_1", "right": "implementation_2"}),
        )
        .json();
    let history_id = history["history_id"].as_i64().unwrap();
    let page = server.get(&format!("/histories/{history_id}")).text();
    assert!(page.contains("<svg"), "{page}");
    let commit = history["rows"][0]["left_commit"].as_str().unwrap();
    assert!(
        page.contains(&format!("value=\"{commit}:implementation_1\"")),
        "no comparison link for {commit}: {page}"
    );

    // The form redirects to the run it started.
    let no_redirects = reqwest::blocking::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = no_redirects
        .post(format!("{}/compare", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("repository", repo_path(&repo).as_str()),
            ("left", &format!("{commit}:implementation_1")),
            ("right", "implementation_2"),
        ]))
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/runs/"), "{location}");
    let shown = client()
        .get(format!("{}{location}", server.base))
        .send()
        .unwrap();
    assert_eq!(shown.status().as_u16(), 200);
}

/// `application/x-www-form-urlencoded`, as a browser sends a form.
fn form(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// chromedriver on a free port, stopped on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "the browser test needs {CHROMEDRIVER} and {CHROMIUM}: apt-get install -y chromium chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn in_a_browser_the_form_starts_a_comparison_and_the_run_filters_by_service() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    let expected = crate::harness::json_output(
        repo.confdiff().args([
            "compare",
            "--no-save",
            "--format",
            "json",
            "implementation_1",
            "implementation_2",
        ]),
        0,
    );
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1200,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let browser = ClientBuilder::rustls()
            .expect("a TLS configuration")
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a browser session");
        let shots = screenshots();

        browser.goto(&format!("{}/", server.base)).await.unwrap();
        browser
            .find(Locator::Css("form.compare input[name=left]"))
            .await
            .unwrap()
            .send_keys("implementation_1")
            .await
            .unwrap();
        browser
            .find(Locator::Css("form.compare input[name=right]"))
            .await
            .unwrap()
            .send_keys("implementation_2")
            .await
            .unwrap();
        std::fs::write(
            shots.join("serve-index.png"),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser
            .find(Locator::Css("form.compare button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser
            .wait()
            .for_element(Locator::Css("form.filters"))
            .await
            .unwrap();
        let url = browser.current_url().await.unwrap();
        assert!(url.path().starts_with("/runs/"), "{url}");
        let summary = browser
            .find(Locator::Id("summary"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let counts = &expected["summary"];
        assert!(
            summary.starts_with(&format!(
                "{} services: {} identical, {} different",
                counts["services"], counts["identical"], counts["different"]
            )),
            "{summary}"
        );
        std::fs::write(
            shots.join("serve-run.png"),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        // Filter by one service with differences.
        let service = expected["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "different")
            .unwrap();
        let name = service["service"].as_str().unwrap();
        browser
            .find(Locator::Css("form.filters input[name=service]"))
            .await
            .unwrap()
            .send_keys(name)
            .await
            .unwrap();
        let sections = browser
            .find_all(Locator::Css("section.service"))
            .await
            .unwrap();
        let mut visible = Vec::new();
        for section in sections {
            if section.is_displayed().await.unwrap() {
                visible.push(section.attr("data-service").await.unwrap().unwrap());
            }
        }
        let matching: Vec<String> = expected["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] != "identical")
            .map(|s| s["service"].as_str().unwrap().to_owned())
            .filter(|s| s.contains(name))
            .collect();
        assert_eq!(visible, matching);
        let shown = browser
            .find(Locator::Css(&format!(
                "section.service[data-service=\"{name}\"]"
            )))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for difference in service["differences"].as_array().unwrap() {
            for side in ["left", "right"] {
                if let Some(value) = difference.get(side) {
                    let text = serde_json::to_string(value).unwrap();
                    assert!(shown.contains(&text), "{text} not shown in:\n{shown}");
                }
            }
        }
        std::fs::write(
            shots.join("serve-run-filtered.png"),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        // On a phone's width the page needs no sideways scrolling.
        browser.set_window_size(390, 844).await.unwrap();
        let fits = browser
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(fits, json!(true), "the run page is wider than a phone");
        std::fs::write(
            shots.join("serve-run-phone.png"),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.set_window_size(1200, 900).await.unwrap();

        // The run is listed on the first page.
        browser.goto(&format!("{}/", server.base)).await.unwrap();
        let runs = browser
            .find(Locator::Id("runs"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            runs.contains(&format!("run {}", &url.path()["/runs/".len()..])),
            "{runs}"
        );
        browser.close().await.unwrap();
    });
}
