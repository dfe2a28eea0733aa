-- Every object that ever existed, found by name or id without scanning the log: `-f
-- network=NAME`, `network history NAME` (all incarnations of a reused name) and id prefixes
-- of objects removed long ago. Partial: only creation events are indexed. SQLite uses a
-- partial index only when a query repeats its WHERE term, so src/events/incarnations.ts does.
CREATE INDEX events_created_name ON events (type, json_extract(payload, '$.name'))
  WHERE type IN ('NetworkCreated', 'ContainerCreated');
CREATE INDEX events_created_id ON events (type, json_extract(payload, '$.id'))
  WHERE type IN ('NetworkCreated', 'ContainerCreated');
