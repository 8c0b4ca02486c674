//! A dependency-free HTTP probe of `/api/v1/health`, for process supervisors and container checks.

use anyhow::{bail, Context};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn check(listen: SocketAddr) -> anyhow::Result<()> {
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect(listen)
            .await
            .with_context(|| format!("nothing answers at {listen}"))?;
        let request = format!("GET /api/v1/health HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await?;
        anyhow::Ok(response)
    };
    let response =
        tokio::time::timeout(Duration::from_secs(5), probe).await.context("no answer within 5 seconds")??;
    let status_line = response.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) != Some("200") {
        bail!("unhealthy: {status_line}");
    }
    println!("healthy: {listen}");
    Ok(())
}
