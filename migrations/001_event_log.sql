-- The event log: the only source of truth. Append-only; each row's hash covers its own
-- columns and the previous row's hash, so any edit, deletion, insertion or reordering breaks
-- the chain. Subject columns are copies from the payload, kept so filters can use indexes.
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  type         TEXT NOT NULL,
  host         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  actor_user   TEXT NOT NULL,
  network_id   TEXT,
  container_id TEXT,
  payload      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_network ON events (network_id);
CREATE INDEX events_container ON events (container_id);
