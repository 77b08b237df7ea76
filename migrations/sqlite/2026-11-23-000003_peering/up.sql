-- Peering and moderation (issue 6), SQLite. The PostgreSQL twin has the same tables, columns
-- and indexes; only types differ.

-- An administrator's decision about another server. `host` is written as `instances.host` is
-- (lower case, `host[:port]`); a rule on a domain also covers its subdomains, the most specific
-- rule winning (as Mastodon's domain blocks), so this is not a foreign key to `instances`:
-- a server can be blocked before we ever talk to it.
CREATE TABLE instance_policies (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,
    policy TEXT NOT NULL,                     -- allow | silence | block
    reason TEXT NOT NULL DEFAULT '',          -- shown to the refused server and on admin pages
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every action of an administrator or moderator, never updated or deleted by the application.
-- `account_id` is NULL for the command line (run by whoever has access to the server).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    action TEXT NOT NULL,                     -- such as instance.block, instance.remove
    target TEXT NOT NULL,                     -- what was acted on: a host, an actor id …
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
