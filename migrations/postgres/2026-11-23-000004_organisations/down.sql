DROP TABLE organisation_roles;
DROP TABLE organisations;
