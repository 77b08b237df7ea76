ALTER TABLE reports DROP COLUMN target_object;
