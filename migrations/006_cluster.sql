-- Networks that span hosts. An endpoint may belong to a container on another host: it keeps
-- its container's name and its host itself (no local container row to point to, so the
-- foreign key goes). The hosts of the cluster, as HostJoined/HostLeft events say.
CREATE TABLE endpoints_new (
  id             TEXT PRIMARY KEY,
  network_id     TEXT NOT NULL REFERENCES networks (id),
  container_id   TEXT NOT NULL,
  container_name TEXT NOT NULL,
  host           TEXT,
  ifname         TEXT,
  host_ifname    TEXT UNIQUE,
  bridge         TEXT,
  ipv4           TEXT,
  prefix_len     INTEGER,
  gateway        TEXT,
  mac            TEXT,
  mtu            INTEGER NOT NULL,
  aliases        TEXT NOT NULL,
  default_route  INTEGER NOT NULL,
  connected_seq  INTEGER NOT NULL,
  driver_state   TEXT,
  UNIQUE (network_id, container_id),
  UNIQUE (network_id, ipv4),
  UNIQUE (container_id, ifname)
);
INSERT INTO endpoints_new (rowid, id, network_id, container_id, container_name, host, ifname, host_ifname, bridge, ipv4, prefix_len,
                           gateway, mac, mtu, aliases, default_route, connected_seq, driver_state)
  SELECT e.rowid, e.id, e.network_id, e.container_id, c.name, NULL, e.ifname, e.host_ifname, e.bridge, e.ipv4, e.prefix_len,
         e.gateway, e.mac, e.mtu, e.aliases, e.default_route, e.connected_seq, e.driver_state
    FROM endpoints e JOIN containers c ON c.id = e.container_id;
DROP TABLE endpoints;
ALTER TABLE endpoints_new RENAME TO endpoints;
CREATE INDEX endpoints_container ON endpoints (container_id);

CREATE TABLE hosts (
  id          TEXT PRIMARY KEY, -- the host's name in the cluster
  advertise   TEXT NOT NULL,
  up          INTEGER NOT NULL,
  changed_seq INTEGER NOT NULL
);

-- Snapshots of the tables before these columns no longer compare: `admin rebuild` writes them again.
DELETE FROM snapshots;
