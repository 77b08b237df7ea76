DROP INDEX job_offers_search;
ALTER TABLE job_offers DROP COLUMN search;
ALTER TABLE job_offers ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX job_offers_search ON job_offers USING GIN (search);
ALTER TABLE job_offers DROP COLUMN search_facets;
