DROP INDEX posts_in_reply_to;
