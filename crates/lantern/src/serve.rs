//! Serving until Ctrl-C or SIGTERM, finishing requests in flight so nothing acknowledged is lost.

use crate::cli::ListenArgs;
use anyhow::{bail, Context};
use lantern_store::Store;
use lantern_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;

/// Serves the app. `banner`, when given, is printed with the URL once listening.
pub async fn serve(store: Store, args: &ListenArgs, banner: Option<&str>) -> anyhow::Result<()> {
    let listen = args.listen;
    if let Some(refusal) = crate::settings::listen_refusal(listen, args.secure_cookies) {
        bail!("{refusal}");
    }
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    if let Some(banner) = banner {
        println!("{banner}");
    }
    println!("Lantern is serving at http://{address}/ (Ctrl-C to stop)");
    tracing::info!(%address, backend = ?store.backend(), "listening");
    let mut state = AppState::new(store.clone());
    state.sessions.secure_cookies = args.secure_cookies;
    state.proxies = lantern_web::TrustedProxies::new(args.trusted_proxies.iter().copied());
    state.local_passwords = args.sign_in.local_passwords();
    state.oidc = crate::sign_in::provider(&args.sign_in).map_err(|f| anyhow::anyhow!("{f}"))?.map(Arc::new);
    let app = lantern_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => tracing::error!(%error, "cannot listen for SIGTERM"),
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
