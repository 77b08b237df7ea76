DROP TABLE actor_restrictions;
