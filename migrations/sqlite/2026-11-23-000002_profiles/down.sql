DROP TABLE profile_tags;
DROP TABLE profile_entries;
DROP TABLE profiles;
