-- Job offers (issue 3): written by an organisation's team here, or received from the
-- organisations other servers host. `state` is draft, published or closed; an offer closes
-- itself after `closes_on`. `search_text` is the offer's words folded (lower case, no accents)
-- for full-text search; `location_key` the place folded the same way.
CREATE TABLE job_offers (
    id INTEGER PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    organisation_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    local BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,             -- what the recruiter wrote (plain text), local only
    content_html TEXT NOT NULL,            -- sanitised HTML shown on pages
    contract_type TEXT NOT NULL,
    working_time TEXT NOT NULL,            -- '', full_time, part_time
    location TEXT NOT NULL,
    location_key TEXT NOT NULL,
    remote TEXT NOT NULL,                  -- no, partial, full
    salary_min BIGINT,
    salary_max BIGINT,
    salary_currency TEXT NOT NULL,
    salary_period TEXT NOT NULL,           -- '', hour, day, week, month, year
    experience_level TEXT NOT NULL,        -- '', none, junior, confirmed, senior
    open_without_diploma BOOLEAN NOT NULL,
    open_without_experience BOOLEAN NOT NULL,
    start_date DATE,
    closes_on DATE,
    languages TEXT NOT NULL,               -- ',fr,en,' (commas around each tag, for LIKE)
    how_to_apply TEXT NOT NULL,
    url TEXT NOT NULL,                     -- the offer's web page
    search_text TEXT NOT NULL,
    published_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX job_offers_board ON job_offers (state, published_at);
CREATE INDEX job_offers_organisation ON job_offers (organisation_id, state);
CREATE INDEX job_offers_closes ON job_offers (state, closes_on);

-- Skills an offer asks for (`required`) or would like (nice to have), as folded tag keys.
CREATE TABLE job_offer_skills (
    offer_id INTEGER NOT NULL REFERENCES job_offers (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    name TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    PRIMARY KEY (offer_id, tag_key)
);
CREATE INDEX job_offer_skills_tag ON job_offer_skills (tag_key, offer_id);

-- Full-text index of the offers (external content: the words stay in job_offers only).
CREATE VIRTUAL TABLE job_offers_fts USING fts5 (
    search_text, content = 'job_offers', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER job_offers_fts_insert AFTER INSERT ON job_offers BEGIN
    INSERT INTO job_offers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER job_offers_fts_delete AFTER DELETE ON job_offers BEGIN
    INSERT INTO job_offers_fts (job_offers_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER job_offers_fts_update AFTER UPDATE OF search_text ON job_offers BEGIN
    INSERT INTO job_offers_fts (job_offers_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    INSERT INTO job_offers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- Applications to offers. Both sides keep one: the applicant's server (applicant local) and the
-- organisation's server (offer local); when both are here, one row. `shared_profile` is the
-- part of the applicant's profile they chose to send (a profile document, JSON).
CREATE TABLE job_applications (
    id INTEGER PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    offer_id INTEGER NOT NULL REFERENCES job_offers (id) ON DELETE CASCADE,
    applicant_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    message_html TEXT NOT NULL,
    shared_profile TEXT NOT NULL,
    status TEXT NOT NULL,                  -- received, in_review, interview, refused, hired
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX job_applications_pair ON job_applications (offer_id, applicant_id);
CREATE INDEX job_applications_applicant ON job_applications (applicant_id);

-- What the recruiters answer to an application, and the status each answer set.
CREATE TABLE job_application_answers (
    id INTEGER PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    application_id INTEGER NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    status TEXT,
    content_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX job_application_answers_application ON job_application_answers (application_id, id);
