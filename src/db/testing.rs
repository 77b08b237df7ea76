//! Throw-away PostgreSQL databases for tests (this crate's and `federation-tests`').

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

/// The variable naming the PostgreSQL server tests may use (any database on it; tests create
/// and drop their own).
pub const TEST_POSTGRES_URL: &str = "PASSERELLE_TEST_POSTGRES_URL";

/// A database created for one test and dropped (with its connections) when this is dropped.
pub struct TempPostgres {
    admin_url: String,
    name: String,
}

impl TempPostgres {
    /// `None` when [`TEST_POSTGRES_URL`] is not set; panics if it is set but unusable.
    pub fn create() -> Option<TempPostgres> {
        let admin_url = std::env::var(TEST_POSTGRES_URL).ok()?;
        let name = format!("passerelle_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("{TEST_POSTGRES_URL}={admin_url}: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        Some(TempPostgres { admin_url, name })
    }

    /// URL of the created database.
    pub fn url(&self) -> String {
        let mut u = url::Url::parse(&self.admin_url).expect("valid URL");
        u.set_path(&self.name);
        u.to_string()
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}
