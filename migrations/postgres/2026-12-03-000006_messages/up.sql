-- Direct messages, blocks and notifications (issue 7), PostgreSQL. The SQLite twin has the same
-- tables, columns and indexes; only types differ.

-- Members' choices about messages and notification emails, kept with the account.
-- `messages_from_followed_only`: refuse messages from people the member does not follow.
-- `email_notifications`: off | immediate | daily (a digest); `last_digest_at` is when the last
-- digest was sent.
ALTER TABLE accounts ADD COLUMN messages_from_followed_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN email_notifications TEXT NOT NULL DEFAULT 'off';
ALTER TABLE accounts ADD COLUMN last_digest_at TIMESTAMP;

-- A private conversation between a set of people. Messages are grouped by the set of their
-- participants (author and recipients), as their `context` differs from one server to another:
-- `participants` is the sorted list of the participants' `actors.id`, comma-separated, so a
-- reply (from any server) lands in the conversation it answers.
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    participants TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_message_at TIMESTAMP NOT NULL
);

-- Local members in a conversation: what they have read, and whether they left it (a member
-- who left sees none of its later messages until they write in it again).
CREATE TABLE conversation_members (
    id BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    last_read_message_id BIGINT NOT NULL DEFAULT 0,
    left_at TIMESTAMP,
    UNIQUE (conversation_id, actor_id)
);
-- a member's conversation list
CREATE INDEX conversation_members_actor ON conversation_members (actor_id, conversation_id);

-- One direct message (a `Note` addressed only to people), written here or received.
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL,
    content TEXT NOT NULL,                    -- sanitised HTML
    source TEXT,                              -- the text as written, for local messages
    in_reply_to TEXT,
    published TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Whom each message was addressed to: the only people (and servers) that may read it.
CREATE TABLE message_recipients (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    UNIQUE (message_id, actor_id)
);

-- A blocks B: B may no longer message or follow A, nor read A's non-public content. Written
-- when a member blocks someone, or when a remote actor's `Block` of one of our members arrives
-- (`ap_id`: the Block activity, to match its `Undo`).
CREATE TABLE blocks (
    id BIGSERIAL PRIMARY KEY,
    blocker_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    ap_id TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id);

-- What a member is told about. `kind` is text so that later features add kinds without a
-- migration; `actor_id` is who caused it (if anyone), `object` what it is about (a URL or a
-- local path). `email_pending`: to be sent by email (immediately or in the next digest).
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES actors (id) ON DELETE CASCADE,
    object TEXT,
    read_at TIMESTAMP,
    email_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
-- a member's list, newest first, and their unread count
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_unread ON notifications (account_id, read_at);
-- the email worker's queue
CREATE INDEX notifications_email ON notifications (email_pending, account_id);

-- Per-kind choices of a member: shown or not, emailed or not. No row means the default (shown,
-- and emailed when the member has chosen emails), so new kinds need no rows.
CREATE TABLE notification_settings (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (account_id, kind)
);
