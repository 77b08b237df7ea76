-- Moderators' decisions about single accounts (issue 6). `suspend`: a remote account whose
-- activities are refused at the inbox and whose content here was hidden (a local member is
-- suspended through accounts.disabled instead, which also closes their sessions). `limit`:
-- an account, local or remote, kept out of public lists for people who do not follow it.
-- At most one decision per actor (the newest replaces the older). A separate table rather than
-- a column of actors: the lists only read it when it has rows, and actors rows stay as they are.
CREATE TABLE actor_restrictions (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL UNIQUE REFERENCES actors (id) ON DELETE CASCADE,
    restriction TEXT NOT NULL,                -- suspend or limit
    reason TEXT NOT NULL DEFAULT '',
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,  -- who decided; NULL: command line
    created_at TIMESTAMP NOT NULL
);
