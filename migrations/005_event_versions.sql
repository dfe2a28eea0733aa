-- Event envelopes grow a payload version (rows before it are version 1: the default) and, for
-- events imported from another host of a cluster, where they were decided. Both are covered by
-- the hash of rows that have them (src/events/hash.ts); an imported event lands once only.
ALTER TABLE events ADD COLUMN schema INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN origin_host TEXT;
ALTER TABLE events ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX events_origin ON events (origin_host, origin_seq) WHERE origin_host IS NOT NULL;

-- Projections hold the driver's own part of networks and endpoints (an overlay's VNI, say).
-- Snapshots of the tables without that column no longer compare: `admin rebuild` writes them again.
ALTER TABLE networks ADD COLUMN driver_state TEXT;
ALTER TABLE endpoints ADD COLUMN driver_state TEXT;
DELETE FROM snapshots;
