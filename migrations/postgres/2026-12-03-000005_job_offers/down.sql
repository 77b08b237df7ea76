DROP TABLE job_application_answers;
DROP TABLE job_applications;
DROP TABLE job_offer_skills;
DROP TABLE job_offers;
