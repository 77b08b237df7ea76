-- The job board's filters run inside the full-text index (see src/jobs/search.rs): each offer's
-- filterable values as words (`search::facets`; the same words built here for the offers
-- already stored), indexed with its text in `search`.
ALTER TABLE job_offers ADD COLUMN search_facets TEXT NOT NULL DEFAULT '';
UPDATE job_offers o SET search_facets = concat_ws(' ',
    'zzc' || replace(contract_type, '_', ''),
    'zzr' || remote,
    CASE WHEN open_without_diploma THEN 'zznodiploma' END,
    CASE WHEN open_without_experience THEN 'zznoexperience' END,
    (SELECT string_agg('zzs' || replace(s.tag_key, '-', ''), ' ' ORDER BY s.tag_key)
        FROM job_offer_skills s WHERE s.offer_id = o.id),
    CASE WHEN location_key <> '' THEN 'zzp' || replace(location_key, ' ', ' zzp') END,
    CASE WHEN languages <> ''
        THEN 'zzl' || replace(replace(trim(BOTH ',' FROM languages), '-', ''), ',', ' zzl') END);
DROP INDEX job_offers_search;
ALTER TABLE job_offers DROP COLUMN search;
ALTER TABLE job_offers ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' || search_facets)) STORED;
-- kept in the row (compressed if need be) rather than moved to the TOAST table: ranking reads
-- it for every match; the long texts (description, HTML) move out first
ALTER TABLE job_offers ALTER COLUMN search SET STORAGE MAIN;
CREATE INDEX job_offers_search ON job_offers USING GIN (search);
