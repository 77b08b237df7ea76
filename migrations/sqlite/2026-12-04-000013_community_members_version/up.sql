-- Every change to whom a community's messages go (a membership created, changed or removed; a
-- member's inbox changed or the member deleted) gives the community a new `members_version`,
-- so a server can keep the list of its member inboxes in memory and read it again only when
-- the version changed (communities::model::member_inboxes). Triggers, so that no code path can
-- forget it. The version is random, not a counter: a version written by a transaction that was
-- rolled back is never written again, so a list cached from it can never be taken for current.
ALTER TABLE communities ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER community_members_inserted AFTER INSERT ON community_members
BEGIN
    UPDATE communities SET members_version = random() WHERE actor_id = NEW.community_id;
END;

CREATE TRIGGER community_members_deleted AFTER DELETE ON community_members
BEGIN
    UPDATE communities SET members_version = random() WHERE actor_id = OLD.community_id;
END;

CREATE TRIGGER community_members_updated
AFTER UPDATE OF community_id, member_id, state ON community_members
BEGIN
    UPDATE communities SET members_version = random()
    WHERE actor_id IN (OLD.community_id, NEW.community_id);
END;

CREATE TRIGGER community_member_inbox_changed
AFTER UPDATE OF inbox_url, shared_inbox_url, deleted_at, local ON actors
WHEN OLD.inbox_url IS NOT NEW.inbox_url OR OLD.shared_inbox_url IS NOT NEW.shared_inbox_url
    OR OLD.deleted_at IS NOT NEW.deleted_at OR OLD.local IS NOT NEW.local
BEGIN
    UPDATE communities SET members_version = random()
    WHERE actor_id IN (SELECT community_id FROM community_members WHERE member_id = NEW.id);
END;
