//! A real `lantern serve` to kill, and the demo database and API token it serves with.

use super::ACCOUNT;
use lantern_core::audit::Actor;
use lantern_store::{DatabaseLocation, Store};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");

/// A running `lantern serve`, killed (SIGKILL) when dropped so that a failing test leaves no server.
pub struct Server {
    child: Child,
    address: SocketAddr,
    log: PathBuf,
}

impl Server {
    pub fn start(database: &str, log: PathBuf) -> Self {
        let stderr = std::fs::File::create(&log).expect("create the server log file");
        let mut child = Command::new(LANTERN)
            .arg("serve")
            .arg("--database")
            .arg(database)
            .args(["--listen", "127.0.0.1:0"])
            .env("LANTERN_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start lantern serve");
        let stdout = child.stdout.take().expect("the server's stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Reads the announced address, then keeps draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("Lantern is serving at http://").nth(1) {
                    let address = rest.split('/').next().unwrap_or_default().to_owned();
                    let _ = tx.send(address);
                }
            }
        });
        let mut server = Self { child, address: SocketAddr::from(([127, 0, 0, 1], 0)), log };
        let announced = rx.recv_timeout(Duration::from_secs(120));
        let Ok(address) = announced else {
            panic!("lantern serve did not announce its address; its log:\n{}", server.log_text());
        };
        server.address = address.parse().expect("the announced address is a socket address");
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(cannot read {:?}: {e})", self.log))
    }

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process.
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
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lantern demo --no-serve` into `database` (a SQLite path or a PostgreSQL URL).
pub fn seed_demo(database: &str) {
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
}

/// A bearer token for the demo's reception account (practice staff at the demo practice), made the way
/// the web crate's tests make theirs: straight into the database, before the server opens it.
pub async fn api_token(database: &DatabaseLocation) -> String {
    let store = Store::connect(database).await.expect("open the demo DB");
    let (user, _) = store
        .user_for_sign_in(ACCOUNT)
        .await
        .expect("look up the demo account")
        .unwrap_or_else(|| panic!("lantern demo created no {ACCOUNT} account"));
    let token = lantern_web::auth::new_secret();
    let hash = lantern_web::auth::hash_secret(&token);
    store
        .create_api_token(&user, "durability test", &hash, &Actor::system("durability test"))
        .await
        .expect("token");
    store.close().await;
    token
}
