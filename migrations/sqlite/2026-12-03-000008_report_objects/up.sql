-- Reports about a community's thread or reply, or a job offer (issue 6): the reported object's
-- ActivityPub id, beside the reported account (its author, or the organisation).
ALTER TABLE reports ADD COLUMN target_object TEXT;
