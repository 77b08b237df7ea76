DROP TRIGGER community_member_inbox_changed;
DROP TRIGGER community_members_updated;
DROP TRIGGER community_members_deleted;
DROP TRIGGER community_members_inserted;
ALTER TABLE communities DROP COLUMN members_version;
