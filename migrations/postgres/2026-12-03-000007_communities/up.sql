-- Communities (issue 8), PostgreSQL. The other backend's twin has the same tables, columns and
-- indexes; only types differ.

-- What only communities (`Group` actors) have; the rest is their actor. Also kept for remote
-- groups, from their actor document. `access`: open | closed | secret. `charter` is sanitised
-- HTML, `charter_source` the text its managers wrote (local communities).
CREATE TABLE communities (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    access TEXT NOT NULL DEFAULT 'open',
    charter TEXT NOT NULL DEFAULT '',
    charter_source TEXT NOT NULL DEFAULT '',
    language TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Who belongs to a community (local or remote, on either side): `role` owner | manager |
-- member; `state` pending (asked to join) | invited | accepted | banned. `follow_ap_id` is the
-- Follow that asked (answered by Accept/Reject, cancelled by Undo).
CREATE TABLE community_members (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member',
    state TEXT NOT NULL,
    follow_ap_id TEXT,
    created_at TIMESTAMP NOT NULL,
    joined_at TIMESTAMP,
    UNIQUE (community_id, member_id)
);
CREATE INDEX community_members_by_member ON community_members (member_id, state);
CREATE INDEX community_members_by_state ON community_members (community_id, state, joined_at);

-- Threads (`thread_id` NULL, with a title) and their replies (`thread_id` the thread,
-- `parent_id` what they answer) in a community, local or received. `deleted_at`: erased by its
-- author; `removed_at`: removed by a community manager. `last_activity_at` orders threads.
CREATE TABLE community_posts (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    community_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    thread_id BIGINT,
    parent_id BIGINT,
    title TEXT,
    content TEXT NOT NULL,
    source TEXT,
    language TEXT,
    local BOOLEAN NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    url TEXT,
    published TIMESTAMP NOT NULL,
    updated TIMESTAMP,
    last_activity_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    removed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX community_posts_threads ON community_posts (community_id, thread_id, last_activity_at);
CREATE INDEX community_posts_replies ON community_posts (thread_id, id);
CREATE INDEX community_posts_by_author ON community_posts (author_id, published);
