-- Every change to whom a community's messages go (a membership created, changed or removed; a
-- member's inbox changed or the member deleted) gives the community a new `members_version`,
-- so a server can keep the list of its member inboxes in memory and read it again only when
-- the version changed (communities::model::member_inboxes). Triggers, so that no code path can
-- forget it. The version comes from a sequence, which never hands out a number twice, even to
-- a transaction that was rolled back: a list cached from such a version is never taken for
-- current.
ALTER TABLE communities ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;

CREATE SEQUENCE community_members_versions;

CREATE FUNCTION community_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE communities SET members_version = nextval('community_members_versions')
        WHERE actor_id = OLD.community_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.community_id <> OLD.community_id) THEN
        UPDATE communities SET members_version = nextval('community_members_versions')
        WHERE actor_id = NEW.community_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER community_members_changed
AFTER INSERT OR DELETE OR UPDATE OF community_id, member_id, state ON community_members
FOR EACH ROW EXECUTE FUNCTION community_members_changed();

CREATE FUNCTION community_member_inbox_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE communities SET members_version = nextval('community_members_versions')
    WHERE actor_id IN (SELECT community_id FROM community_members WHERE member_id = NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER community_member_inbox_changed
AFTER UPDATE OF inbox_url, shared_inbox_url, deleted_at, local ON actors
FOR EACH ROW
WHEN (OLD.inbox_url IS DISTINCT FROM NEW.inbox_url
    OR OLD.shared_inbox_url IS DISTINCT FROM NEW.shared_inbox_url
    OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.local IS DISTINCT FROM NEW.local)
EXECUTE FUNCTION community_member_inbox_changed();
