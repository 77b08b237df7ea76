//! Database access: one diesel `MultiConnection` over SQLite and PostgreSQL, pooled, and always
//! used from the blocking thread pool so the async runtime never waits on a query.
//!
//! [`Db::read`] runs a closure on a pooled connection; [`Db::write`] runs it in a transaction.
//! On SQLite, writes go through a single dedicated connection and start with `BEGIN IMMEDIATE`,
//! so concurrent writers queue instead of failing with `SQLITE_BUSY`.

pub mod schema;
pub mod testing;

use crate::{
    config::{ConfigError, DatabaseUrl},
    error::{AppError, AppResult},
};
use diesel::{
    connection::{AnsiTransactionManager, SimpleConnection, TransactionManager},
    pg::PgConnection,
    prelude::*,
    sqlite::SqliteConnection,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries written once with the diesel DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, DbConn::Sqlite(_))
    }
}

/// Which engine a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Opens connections for r2d2, choosing the engine from the URL scheme (never by trial: a
/// PostgreSQL URL must not become a SQLite file name).
#[derive(Debug, Clone)]
struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut c = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL lets readers work while one writer commits; NORMAL sync is durable
                // across process crashes in WAL mode (only an OS crash may lose the last
                // commits); foreign keys are off by default in SQLite.
                c.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

type Pool = r2d2::Pool<Manager>;

/// The application's handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    read: Pool,
    write: Pool,
    backend: Backend,
}

impl Db {
    /// Opens the pools (creating the SQLite file and its folder if needed). Does not migrate.
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Db, ConfigError> {
        let backend = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = std::path::Path::new(path).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        ConfigError(format!(
                            "database.url: cannot create folder {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
                Backend::Sqlite
            }
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        };
        let manager = Manager { url: url.clone() };
        let build = |size: u32| {
            r2d2::Pool::builder()
                .max_size(size)
                // a broken connection fails its query and is replaced; testing each checkout
                // would double the queries
                .test_on_check_out(false)
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(15))
                .build(manager.clone())
                .map_err(|e| ConfigError(format!("database.url: cannot connect: {e}")))
        };
        let read = build(pool_size)?;
        let write = match backend {
            Backend::Sqlite => build(1)?,
            Backend::Postgres => read.clone(),
        };
        Ok(Db {
            read,
            write,
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations of the right backend; returns the versions applied.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.write.get()?;
        let migrations = match *conn {
            DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
            DbConn::Pg(_) => POSTGRES_MIGRATIONS,
        };
        // nodes starting together on one PostgreSQL database migrate one after the other
        // (SQLite's write lock already serialises them)
        if !conn.is_sqlite() {
            conn.batch_execute("SELECT pg_advisory_lock(7231001)")?;
        }
        let applied: anyhow::Result<Vec<String>> = conn
            .run_pending_migrations(migrations)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect())
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
        if !conn.is_sqlite() {
            conn.batch_execute("SELECT pg_advisory_unlock(7231001)")?;
        }
        applied
    }

    /// Runs `f` on a pooled connection in the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.read.clone();
        run_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
    }

    /// Runs `f` in one transaction in the blocking thread pool: all its writes land, or none.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.write.clone();
        run_blocking(move || {
            let mut conn = pool.get()?;
            write_transaction(&mut conn, f)
        })
        .await
    }

    /// Synchronous variant for the CLI and start-up code outside the async runtime.
    pub fn write_blocking<T>(&self, f: impl FnOnce(&mut DbConn) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.write.get()?;
        write_transaction(&mut conn, f)
    }

    /// Synchronous read for the CLI.
    pub fn read_blocking<T>(&self, f: impl FnOnce(&mut DbConn) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.read.get()?;
        f(&mut conn)
    }

    /// True when a connection can be taken and answers.
    pub async fn ping(&self) -> bool {
        self.read(|c| c.batch_execute("SELECT 1").map_err(AppError::from))
            .await
            .is_ok()
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
}

/// A transaction that, on SQLite, takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`): a
/// deferred transaction that reads then writes could otherwise fail when another process
/// committed in between.
fn write_transaction<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConn::Pg(_) => return conn.transaction(f),
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
    }
    match f(conn) {
        Ok(value) => match <DbConn as Connection>::TransactionManager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Current time as stored in the database (UTC, no zone).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Runs the same diesel expression on the concrete connection of either backend. The
/// `MultiConnection` serialises every query through a generic wrapper before running it, which
/// costs about as much as the query itself on SQLite (measured: a fifth of the inbox's CPU);
/// queries on hot paths (the inbox) are written with this instead. Both arms are type-checked,
/// so the query stays valid on both backends.
#[macro_export]
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

// Note for queries: on SQLite, diesel's `.first()` binds `LIMIT ?` as a parameter, which makes
// SQLite (built with STAT4) re-prepare the statement on every execution — measured at about
// 30,000 instructions per call, 40 % of the inbox's CPU. Lookups by a unique key therefore use
// `.get_result()` (no LIMIT), and lists use constant limits where they can.
