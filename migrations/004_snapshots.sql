-- Snapshots of the projection tables, taken by the append path every few thousand events
-- (src/projections/snapshots.ts), so that state "as of" a point in the log replays only the
-- events after the nearest snapshot. Derived data like the projections: not part of the
-- hash chain, refilled by `admin rebuild`, checked against a replay by `audit verify`.
-- `hash` is the hash of event `seq`: a snapshot of a log that was rewritten since is never
-- used. A migration that changes a projection table must empty this table.
CREATE TABLE snapshots (
  seq    INTEGER PRIMARY KEY,
  hash   TEXT NOT NULL,
  tables TEXT NOT NULL -- JSON: { table: { columns: ["rowid", ...], rows: [[rowid, ...], ...] } }
);
