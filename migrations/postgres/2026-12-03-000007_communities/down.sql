DROP TABLE community_posts;
DROP TABLE community_members;
DROP TABLE communities;
