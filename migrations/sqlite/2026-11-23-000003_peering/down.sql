DROP TABLE partnerships;
DROP TABLE reports;
DROP TABLE audit_log;
DROP TABLE instance_policies;
