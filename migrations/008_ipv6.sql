-- IPv6 beside IPv4 (NetworkCreated and endpoint events v3).
ALTER TABLE networks ADD COLUMN enable_ipv6 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE networks ADD COLUMN subnet6 TEXT;
ALTER TABLE networks ADD COLUMN gateway6 TEXT;
ALTER TABLE networks ADD COLUMN ip_range6 TEXT;
ALTER TABLE endpoints ADD COLUMN ipv6 TEXT;
ALTER TABLE endpoints ADD COLUMN prefix_len6 INTEGER;
ALTER TABLE endpoints ADD COLUMN gateway6 TEXT;
-- The last line of defence against two endpoints sharing an address, as for IPv4.
CREATE UNIQUE INDEX endpoints_ipv6 ON endpoints (network_id, ipv6);

-- Snapshots of the tables before these columns no longer compare: `admin rebuild` writes them again.
DELETE FROM snapshots;
