-- Indexes behind `events` filters and `history`, so that selective questions ("what failed",
-- "what did alice do", "every network ever named web") stay fast on a log of millions.

-- Every object that ever existed, by name or id, removed ones included: `-f network=NAME`,
-- `network history NAME` (all incarnations of a reused name), ID prefixes. Partial: only
-- creation events. SQLite uses a partial index only when a query repeats its WHERE term, so
-- src/events/incarnations.ts does (CREATION_ROWS).
CREATE INDEX events_created_name ON events (type, json_extract(payload, '$.name'))
  WHERE type IN ('NetworkCreated', 'ContainerCreated');
CREATE INDEX events_created_id ON events (type, json_extract(payload, '$.id'))
  WHERE type IN ('NetworkCreated', 'ContainerCreated');

-- `-f type=`, `-f event=`.
CREATE INDEX events_type ON events (type);

-- `-f actor=`: SUDO_USER or else the user (actor_user), or the user name itself.
CREATE INDEX events_actor_user ON events (actor_user);
CREATE INDEX events_actor_name ON events (json_extract(actor, '$.user'));
