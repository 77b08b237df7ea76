DROP TRIGGER community_member_inbox_changed ON actors;
DROP FUNCTION community_member_inbox_changed();
DROP TRIGGER community_members_changed ON community_members;
DROP FUNCTION community_members_changed();
DROP SEQUENCE community_members_versions;
ALTER TABLE communities DROP COLUMN members_version;
