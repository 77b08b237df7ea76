//! A Passerelle server process for the cross-instance tests: configured only by `PASSERELLE_*`
//! variables, it prints `listening on ADDR` once ready (which the harness waits for).

use passerelle::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,activitypub_federation=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config::load(None, std::env::vars())?;
    passerelle::serve(config).await
}
