-- Published ports belong to the container (ContainerCreated v2): its bindings as JSON.
ALTER TABLE containers ADD COLUMN ports TEXT NOT NULL DEFAULT '[]';

-- Snapshots of the tables before this column no longer compare: `admin rebuild` writes them again.
DELETE FROM snapshots;
