//! What every desktop e2e test file shares: starting `tauri-driver`, opening a WebDriver
//! session on the Tideline binary (`APP_BIN`), waiting for text, and screenshots to
//! `E2E_ARTIFACTS`. Each test file uses its own band of ports (desktop.rs 4444..4469,
//! then blocks of 30) so that a stray driver from one file never answers another.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub const STEP: Duration = Duration::from_secs(60);

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub fn artifacts() -> PathBuf {
    let dir = std::env::var_os("E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("e2e-artifacts"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// tauri-driver and everything it started; stopped with SIGTERM on drop, children first
/// collected so that an app that hung is not left behind.
pub struct Driver {
    child: Child,
}

fn descendants(pid: u32, out: &mut Vec<u32>) {
    let path = format!("/proc/{pid}/task/{pid}/children");
    if let Ok(text) = std::fs::read_to_string(path) {
        for c in text.split_whitespace().filter_map(|p| p.parse().ok()) {
            out.push(c);
            descendants(c, out);
        }
    }
}

fn term(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

impl Drop for Driver {
    fn drop(&mut self) {
        let mut pids = Vec::new();
        descendants(self.child.id(), &mut pids);
        term(self.child.id());
        let _ = self.child.wait();
        for p in pids {
            term(p);
        }
    }
}

pub fn start_driver(port: u16, env: &[(&str, &Path)]) -> Driver {
    let mut cmd = Command::new("tauri-driver");
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &(port + 1).to_string(),
    ])
    .env_remove("WEBKIT_DISABLE_DMABUF_RENDERER")
    .env_remove("WEBKIT_DISABLE_COMPOSITING_MODE")
    .env_remove("TIDELINE_CASE")
    .env_remove("TIDELINE_HOME")
    .env("TIDELINE_ACTOR", "e2e-investigator")
    .stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Driver {
        child: cmd
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver --version 2.1.0)"),
    }
}

pub async fn connect(port: u16) -> Client {
    let app = std::env::var("APP_BIN").expect("APP_BIN = path of the built tideline-desktop");
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last = String::from("no attempt");
    while tokio::time::Instant::now() < deadline {
        let mut b = ClientBuilder::native();
        b.capabilities(caps.clone());
        match tokio::time::timeout(
            Duration::from_secs(10),
            b.connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        {
            Ok(Ok(c)) => return c,
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "session request timed out".into(),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("no WebDriver session for {app} within 60 s: {last}");
}

/// Waits until the element's text content satisfies `pred`; returns it. (Text content
/// rather than rendered text: a title cut with an ellipsis still counts.)
pub async fn wait_text(c: &Client, css: &str, pred: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(Some(t)) = e.prop("textContent").await {
                if pred(&t) {
                    return t;
                }
                last = t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(c, "failure.png").await;
    panic!("{css}: text never matched; last seen {last:?} (see failure.png)");
}

/// Waits until the number of elements `css` names satisfies `pred` (a view that is
/// refreshed re-renders its rows); returns it.
pub async fn wait_count(c: &Client, css: &str, pred: impl Fn(usize) -> bool) -> usize {
    let mut last = 0;
    for _ in 0..200 {
        last = count(c, css).await;
        if pred(last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(c, "failure.png").await;
    panic!("{css}: {last} elements, never as expected (see failure.png)");
}

pub async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

pub async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(artifacts().join(name), png).unwrap();
}

/// Lets WebKit paint what the DOM already holds before a screenshot.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// The element `css` names (it must be there).
pub async fn find(c: &Client, css: &str) -> Element {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Clicks the element `css` names.
pub async fn click(c: &Client, css: &str) {
    find(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Scrolls an element into the middle of its scrolled panel and clicks it there (a
/// WebDriver click is refused when the element sits under a panel's edge).
pub async fn click_in_view(c: &Client, e: &Element) {
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
        vec![serde_json::to_value(e).unwrap()],
    )
    .await
    .unwrap();
}

/// Types `text` into the field `css` names, after what it holds.
pub async fn type_into(c: &Client, css: &str, text: &str) {
    find(c, css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Replaces what the field `css` names holds with `text`: empties it the way React sees
/// (the native value setter, then an `input` event, as a user's select-all + delete does;
/// WebDriver's clear alone can leave React's state holding the old text), then types.
pub async fn retype(c: &Client, css: &str, text: &str) {
    let field = find(c, css).await;
    c.execute(
        "const el = arguments[0];
         const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
         Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, '');
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![serde_json::to_value(&field).unwrap()],
    )
    .await
    .unwrap_or_else(|e| panic!("empty {css}: {e}"));
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    let now = field.prop("value").await.unwrap();
    assert_eq!(now.as_deref(), Some(text), "{css} holds what was typed");
}

/// Chooses the option of value `value` in the select `css` names.
pub async fn select(c: &Client, css: &str, value: &str) {
    find(c, css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
}

/// The text content of what `locator` finds (CSS or XPath).
pub async fn text_of(c: &Client, locator: Locator<'_>) -> String {
    c.find(locator)
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// One e2e session: a fresh temporary folder, tauri-driver on the test's port with its
/// environment, and a WebDriver session on the app.
pub struct Session {
    pub client: Client,
    /// The test's own temporary folder (removed by [`Session::run`]).
    pub tmp: PathBuf,
    name: String,
    _driver: Driver,
}

impl Session {
    /// Starts the app for test `name` on `port` (and `port + 1`); `env` gives the
    /// environment from the fresh temporary folder, e.g. `TIDELINE_HOME` in it.
    pub async fn start(
        name: &str,
        port: u16,
        env: impl FnOnce(&Path) -> Vec<(&'static str, PathBuf)>,
    ) -> Session {
        let tmp = std::env::temp_dir().join(format!("tideline-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let vars = env(&tmp);
        let refs: Vec<(&str, &Path)> = vars.iter().map(|(k, v)| (*k, v.as_path())).collect();
        let driver = start_driver(port, &refs);
        let client = connect(port).await;
        Session {
            client,
            tmp,
            name: name.to_string(),
            _driver: driver,
        }
    }

    /// Runs the test's steps within `budget`; when they take longer, screenshots
    /// `NAME-timeout.png` and fails. Closes the session and removes the folder either way.
    pub async fn run<F: Future<Output = ()>>(
        self,
        budget: Duration,
        steps: impl FnOnce(Client) -> F,
    ) {
        let result = tokio::time::timeout(budget, steps(self.client.clone())).await;
        if result.is_err() {
            screenshot(&self.client, &format!("{}-timeout.png", self.name)).await;
        }
        let _ = self.client.clone().close().await;
        let _ = std::fs::remove_dir_all(&self.tmp);
        result
            .unwrap_or_else(|_| panic!("the {} e2e steps took longer than {budget:?}", self.name));
    }
}
