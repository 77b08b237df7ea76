-- Organisations (issue 3): companies, associations, agencies, training centres. Each is an
-- `Organization` actor (name, description and logo are the actor's display name, summary and
-- picture); this table holds what only organisations have, for local and remote ones.
CREATE TABLE organisations (
    actor_id INTEGER PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    sector TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',            -- '', 1-9, 10-49, 50-249, 250-999, 1000+
    location TEXT NOT NULL DEFAULT '',
    website TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Who manages a local organisation: `owner` (everything, including roles) or `recruiter`
-- (job offers). An organisation always keeps at least one owner.
CREATE TABLE organisation_roles (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisation_roles_pair ON organisation_roles (organisation_id, member_id);
CREATE INDEX organisation_roles_member ON organisation_roles (member_id);
