-- Each offer's filterable values as words (`jobs::search::facets`), indexed with its text by
-- PostgreSQL (SQLite filters on the columns; the column is kept the same on both backends).
ALTER TABLE job_offers ADD COLUMN search_facets TEXT NOT NULL DEFAULT '';
UPDATE job_offers SET search_facets = trim(
    'zzc' || replace(contract_type, '_', '') || ' zzr' || remote
    || CASE WHEN open_without_diploma THEN ' zznodiploma' ELSE '' END
    || CASE WHEN open_without_experience THEN ' zznoexperience' ELSE '' END
    || coalesce((SELECT ' ' || group_concat('zzs' || replace(s.tag_key, '-', ''), ' ')
        FROM job_offer_skills s WHERE s.offer_id = job_offers.id), '')
    || CASE WHEN location_key <> '' THEN ' zzp' || replace(location_key, ' ', ' zzp') ELSE '' END
    || CASE WHEN languages <> ''
        THEN ' zzl' || replace(replace(trim(languages, ','), '-', ''), ',', ' zzl') ELSE '' END);
