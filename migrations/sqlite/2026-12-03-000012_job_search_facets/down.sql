ALTER TABLE job_offers DROP COLUMN search_facets;
