-- Foundation schema (PostgreSQL). The SQLite twin in ../../sqlite has the same tables,
-- columns and indexes; only types differ. Timestamps are UTC without zone (diesel `Timestamp`).

-- Every ActivityPub actor this instance knows: its own members, groups, organisations and the
-- instance actor (local = 1, with a private key), and remote ones cached from their servers.
CREATE TABLE actors (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                       -- person | group | organization | application
    local BOOLEAN NOT NULL,
    username TEXT NOT NULL,                   -- preferredUsername as written
    -- lower-cased username: with domain, the case-insensitive handle `user@domain`
    username_key TEXT NOT NULL,
    domain TEXT NOT NULL,                     -- host[:port] of the actor's server
    display_name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',         -- HTML, always sanitised before it is stored
    avatar_url TEXT,
    url TEXT,                                 -- human-readable page
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    outbox_url TEXT,
    followers_url TEXT,
    following_url TEXT,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT,                     -- local actors only
    manually_approves_followers BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_refreshed_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
-- one handle per server, whatever the case used to type it
CREATE UNIQUE INDEX actors_handle ON actors (username_key, domain);

-- Local sign-in identities; the public side of a member is their `actors` row.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT NOT NULL UNIQUE REFERENCES actors (id) ON DELETE CASCADE,
    email TEXT,
    password_hash TEXT NOT NULL,              -- argon2id PHC string
    role TEXT NOT NULL DEFAULT 'member',      -- member | moderator | admin
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

-- Web sessions. Only a SHA-256 of the cookie value is stored, so a leaked database does not
-- let anyone sign in.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Bearer tokens for the JSON API, hashed like sessions.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Invitations for invite-only registration; each code is used once.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    used_at TIMESTAMP
);

-- Who follows whom, local or remote. A pending row is a request waiting for the followed
-- actor's approval.
CREATE TABLE follows (
    id BIGSERIAL PRIMARY KEY,
    follower_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    followed_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    state TEXT NOT NULL,                      -- pending | accepted
    ap_id TEXT,                               -- id of the Follow activity
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (follower_id, followed_id);
-- followers lists, fan-out and pending requests all go by the followed actor
CREATE INDEX follows_followed ON follows (followed_id, state);

-- Short posts (Notes), local and received.
CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL,
    content TEXT NOT NULL,                    -- sanitised HTML
    source TEXT,                              -- the text as its local author wrote it
    language TEXT,                            -- BCP 47 tag, when the author gave one
    visibility TEXT NOT NULL,                 -- public | unlisted | followers
    in_reply_to TEXT,
    url TEXT,
    published TIMESTAMP NOT NULL,
    updated TIMESTAMP,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- home feeds and profile timelines read an author's posts newest first
CREATE INDEX posts_author_published ON posts (author_id, published);

-- Activities our local actors emitted (the outbox). Kept as the exact JSON that was signed so
-- retries resend the same bytes.
CREATE TABLE activities (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    json TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX activities_actor ON activities (actor_id, id);

-- Remote servers we deliver to or hear from, with the delivery worker's per-server state.
CREATE TABLE instances (
    id BIGSERIAL PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,                -- host[:port]
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,       -- no delivery before this (backoff)
    failures INTEGER NOT NULL DEFAULT 0,      -- consecutive failed attempts
    failing_since TIMESTAMP,
    unreachable BOOLEAN NOT NULL DEFAULT FALSE,
    last_success_at TIMESTAMP,
    last_error TEXT,
    last_error_at TIMESTAMP,
    -- which node's worker currently owns this server's queue, and until when: one owner keeps
    -- order per server and sends each activity once, even with several nodes
    lease_owner TEXT,
    lease_until TIMESTAMP
);

-- One row per activity still to be delivered to one inbox; deleted once delivered.
CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    instance_id BIGINT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
-- the worker takes each server's oldest delivery first: order per receiving server
CREATE INDEX deliveries_instance ON deliveries (instance_id, id);

-- Ids of activities already processed, so a redelivered or replayed activity has no effect.
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_activities_at ON received_activities (received_at);
