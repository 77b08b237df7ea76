-- Likes and reposts (boosts) of posts, by local members and by remote actors (issue 4):
-- one row per actor, post and kind, with the id of the Like or Announce that made it.
CREATE TABLE post_reactions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                       -- like | repost
    ap_id TEXT NOT NULL UNIQUE,               -- the Like or Announce activity
    created_at TIMESTAMP NOT NULL,
    UNIQUE (post_id, actor_id, kind)
);
CREATE INDEX post_reactions_by_actor ON post_reactions (actor_id, kind, created_at);
