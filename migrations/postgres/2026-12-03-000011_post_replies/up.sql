-- The replies to a post are read on its page and counted on its card.
CREATE INDEX posts_in_reply_to ON posts (in_reply_to);
