DROP TABLE job_application_answers;
DROP TABLE job_applications;
DROP TRIGGER job_offers_fts_update;
DROP TRIGGER job_offers_fts_delete;
DROP TRIGGER job_offers_fts_insert;
DROP TABLE job_offers_fts;
DROP TABLE job_offer_skills;
DROP TABLE job_offers;
