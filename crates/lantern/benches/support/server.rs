//! A real `lantern serve` child process, the demo database it serves and an API token to call it
//! with: shared by the POST benchmark, the SIGKILL durability test (`tests/durability`) and the
//! command-line tests (`tests/support`), each of which includes this file with `#[path]`.

use lantern_core::audit::Actor;
use lantern_store::Store;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");

/// A running `lantern serve`, killed (SIGKILL) when dropped so that a failing run leaves no server.
pub struct Server {
    child: Child,
    address: SocketAddr,
    /// Where its standard error goes; None: to this process's.
    log: Option<PathBuf>,
    /// What it printed before it announced its address (the demo's banner and accounts).
    #[allow(dead_code)] // not every includer reads it
    pub banner: String,
}

impl Server {
    /// Starts serving `database` (a SQLite path or a PostgreSQL URL) on a free local port.
    pub fn start(database: impl AsRef<OsStr>, log: Option<PathBuf>) -> Self {
        let database = database.as_ref().to_owned();
        Self::run([OsStr::new("serve"), OsStr::new("--database"), &database], log)
    }

    /// Runs `lantern ARGS --listen 127.0.0.1:0` (`serve …` or `demo …`) and waits, up to two minutes
    /// for migrations and the demo's data, until it says where it is serving.
    pub fn run<I, A>(args: I, log: Option<PathBuf>) -> Self
    where
        I: IntoIterator<Item = A>,
        A: AsRef<OsStr>,
    {
        let stderr = match &log {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("create the server log file")),
            None => Stdio::inherit(),
        };
        let mut child = Command::new(LANTERN)
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .env_remove("LANTERN_DATABASE")
            .env("LANTERN_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start lantern");
        let stdout = child.stdout.take().expect("the server's stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Reads up to the announced address, keeping what came before (the demo's banner), then keeps
        // draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            let mut banner = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match line.split("Lantern is serving at http://").nth(1) {
                    Some(rest) => {
                        let address = rest.split('/').next().unwrap_or_default().to_owned();
                        let _ = tx.send((address, std::mem::take(&mut banner)));
                    }
                    None => banner.push_str(&format!("{line}\n")),
                }
            }
        });
        let mut server =
            Self { child, address: SocketAddr::from(([127, 0, 0, 1], 0)), log, banner: String::new() };
        let Ok((address, banner)) = rx.recv_timeout(Duration::from_secs(120)) else {
            panic!("lantern did not announce its address; its log:\n{}", server.log_text());
        };
        server.address = address.parse().expect("the announced address is a socket address");
        server.banner = banner;
        server
    }

    /// `host:port`, as `lantern healthcheck --listen` takes it.
    #[allow(dead_code)] // not every includer asks
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// Sends SIGTERM, the graceful stop a service manager sends, and waits for the process to end.
    #[allow(dead_code)] // not every includer asks
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -TERM {pid}");
        self.child.wait().expect("wait for the server")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn log_text(&self) -> String {
        match &self.log {
            Some(log) => {
                std::fs::read_to_string(log).unwrap_or_else(|e| format!("(cannot read {log:?}: {e})"))
            }
            None => "(on standard error above)".to_owned(),
        }
    }

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process.
    #[allow(dead_code)] // the benchmark only drops its server
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the killed server");
    }

    pub async fn wait_until_healthy(&mut self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(response) = client.get(self.url("/api/v1/health")).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "lantern serve exited ({status}) before it was healthy; its log:\n{}",
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "lantern serve never became healthy; log:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lantern demo --no-serve` into `database` (a SQLite path or a PostgreSQL URL); how long it took.
pub fn seed_demo(database: impl AsRef<OsStr>) -> Duration {
    let started = Instant::now();
    let output = Command::new(LANTERN)
        .arg("demo")
        .arg("--database")
        .arg(database)
        .arg("--no-serve")
        .env("LANTERN_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run lantern demo");
    assert!(
        output.status.success(),
        "lantern demo --no-serve failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

/// A bearer token for the demo account `account`, made the way the web crate's tests make theirs:
/// straight into the database, before the server opens it.
pub async fn api_token(store: &Store, account: &str, purpose: &str) -> String {
    let (user, _) = store
        .user_for_sign_in(account)
        .await
        .expect("look up the demo account")
        .unwrap_or_else(|| panic!("lantern demo created no {account} account"));
    let token = lantern_web::auth::new_secret();
    let hash = lantern_web::auth::hash_secret(&token);
    store.create_api_token(&user, purpose, &hash, &Actor::system(purpose)).await.expect("API token");
    token
}

/// A client that sends `token` as its bearer token on every request.
pub fn bearer_client(token: &str, timeout: Duration, idle_per_host: usize) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("header value");
    headers.insert(reqwest::header::AUTHORIZATION, bearer);
    reqwest::Client::builder()
        .timeout(timeout)
        .default_headers(headers)
        .pool_max_idle_per_host(idle_per_host)
        .build()
        .expect("HTTP client")
}
