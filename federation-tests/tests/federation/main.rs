//! Cross-instance scenarios over HTTP between real server processes. Every scenario runs on
//! SQLite and on PostgreSQL (the latter when `PASSERELLE_TEST_POSTGRES_URL` is set, as in CI).

mod communities;
mod delivery;
mod fedify;
mod jobs;
mod jsonld;
mod messages;
mod organisations;
mod pasture;
mod peering;
mod people;
mod profiles;
mod security;

use federation_tests::{Backend, Instance};

/// The server binary built with this crate.
pub const NODE: &str = env!("CARGO_BIN_EXE_passerelle-node");

pub async fn instance(backend: Backend, name: &str) -> Instance {
    Instance::start(NODE, backend, name)
        .await
        .unwrap_or_else(|e| panic!("instance {name} did not start: {e:#}"))
}

/// An instance with more settings (`PASSERELLE_*` variables).
pub async fn instance_with(backend: Backend, name: &str, env: Vec<(String, String)>) -> Instance {
    Instance::start_with(NODE, backend, name, env)
        .await
        .unwrap_or_else(|e| panic!("instance {name} did not start: {e:#}"))
}

/// Defines tests `$name::sqlite` and `$name::postgres` running the async fn `$name(backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(federation_tests::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !federation_tests::Backend::Postgres.available() {
                    eprintln!("skipped: PASSERELLE_TEST_POSTGRES_URL is not set");
                    return;
                }
                super::$name(federation_tests::Backend::Postgres).await
            }
        }
    };
}
