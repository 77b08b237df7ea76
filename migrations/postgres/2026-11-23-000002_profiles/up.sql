-- Professional profiles (issue 2).
--
-- A profile is one document per actor, edited as a whole and kept as JSON text: the member's
-- working copy (`draft`) and what others read (`published`, a snapshot taken by "publish").
-- For remote actors `published` holds the sections their server let us read, and `fields` the
-- Mastodon-style PropertyValue attachments of their actor. The document is only ever read by
-- its owner's id; what must be searched (entries by kind, skills by tag) is copied into the two
-- index tables below each time the published document changes.
CREATE TABLE profiles (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    draft TEXT,                               -- local members only
    published TEXT,                           -- NULL: never published (local) / nothing known (remote)
    fields TEXT NOT NULL DEFAULT '[]',        -- PropertyValue list as received (remote), sanitised
    published_at TIMESTAMP,
    draft_updated_at TIMESTAMP,
    fetched_at TIMESTAMP,                     -- remote: when the full profile was last fetched
    source_url TEXT                           -- remote: id of their Profile object (same origin)
);

-- One row per published experience or education entry, for browsing by kind.
CREATE TABLE profile_entries (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL,                   -- the entry's id inside the document
    section TEXT NOT NULL,                    -- experience | education
    kind TEXT NOT NULL,                       -- job | internship | … | education
    title TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL,                 -- public | followers | instance | private
    start_date TEXT,                          -- YYYY, YYYY-MM or YYYY-MM-DD as written
    position INTEGER NOT NULL                 -- order in the profile
);
CREATE UNIQUE INDEX profile_entries_actor_entry ON profile_entries (actor_id, entry_id);
CREATE INDEX profile_entries_kind ON profile_entries (kind);

-- One row per skill tag of a published profile: in an entry (entry_id set) or in the free list
-- of skills (entry_id = ''). `tag_key` is the normalised form (lower case, no accents, words
-- joined by '-') so that "#Soudure" and "soudure" meet.
CREATE TABLE profile_tags (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL,
    tag TEXT NOT NULL,                        -- as the member wrote it
    tag_key TEXT NOT NULL,
    visibility TEXT NOT NULL
);
CREATE INDEX profile_tags_key ON profile_tags (tag_key, actor_id);
CREATE INDEX profile_tags_actor ON profile_tags (actor_id);
