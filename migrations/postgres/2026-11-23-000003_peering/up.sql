-- Peering and moderation (issue 6), PostgreSQL. The SQLite twin has the same tables, columns
-- and indexes; only types differ.

-- An administrator's decision about another server. `host` is written as `instances.host` is
-- (lower case, `host[:port]`); a rule on a domain also covers its subdomains, the most specific
-- rule winning (as Mastodon's domain blocks), so this is not a foreign key to `instances`:
-- a server can be blocked before we ever talk to it.
CREATE TABLE instance_policies (
    id BIGSERIAL PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,
    policy TEXT NOT NULL,                     -- allow | silence | block
    reason TEXT NOT NULL DEFAULT '',          -- shown to the refused server and on admin pages
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every action of an administrator or moderator, never updated or deleted by the application.
-- `account_id` is NULL for the command line (run by whoever has access to the server).
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    action TEXT NOT NULL,                     -- such as instance.block, instance.remove
    target TEXT NOT NULL,                     -- what was acted on: a host, an actor id …
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);

-- Reports: written by a local member (reporter_account_id set) or received from another server
-- in a Flag (origin_host set; who reported there is never known here). A report is about an
-- actor, and possibly one of its posts; it stays after resolution, for the record.
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    reporter_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    origin_host TEXT,                         -- host[:port] of the server that sent the Flag
    flag_ap_id TEXT UNIQUE,                   -- the received Flag's id, or the one we sent
    target_actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    forwarded BOOLEAN NOT NULL DEFAULT FALSE,     -- a Flag was sent to the target's server
    state TEXT NOT NULL DEFAULT 'open',       -- open | resolved
    resolution TEXT,                          -- dismiss | remove_content | suspend | block_instance
    resolved_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    resolved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- the moderation queue: open reports, oldest first
CREATE INDEX reports_state ON reports (state, id);

-- Partnerships between this instance and another one, agreed between the two instance actors:
-- proposed (by us: outgoing, to us: incoming), then active; a declined or ended partnership is
-- deleted (the audit log keeps the history). One per server.
CREATE TABLE partnerships (
    id BIGSERIAL PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,                -- the partner server, host[:port] as in instances
    partner_actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    state TEXT NOT NULL,                      -- outgoing | incoming | active
    proposed_by_us BOOLEAN NOT NULL,
    offer_ap_id TEXT NOT NULL UNIQUE,         -- the Offer that proposed it; answers refer to it
    -- our public job offers are shared with this partner automatically (used by the job board)
    share_job_offers BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
