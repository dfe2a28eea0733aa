-- Projections: plain tables derived from the log by src/projections/projectors.ts.
-- They can be dropped and rebuilt from the log at any time.
CREATE TABLE networks (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  driver      TEXT NOT NULL,
  scope       TEXT NOT NULL,
  created     TEXT NOT NULL,
  subnet      TEXT,
  gateway     TEXT,
  ip_range    TEXT,
  internal    INTEGER NOT NULL,
  attachable  INTEGER NOT NULL,
  builtin     INTEGER NOT NULL,
  bridge      TEXT UNIQUE,
  mtu         INTEGER NOT NULL,
  labels      TEXT NOT NULL,
  options     TEXT NOT NULL,
  created_seq INTEGER NOT NULL
);

CREATE TABLE containers (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  created      TEXT NOT NULL,
  hostname     TEXT NOT NULL,
  netns_kind   TEXT NOT NULL,
  netns_path   TEXT,
  netns_inode  INTEGER,
  network_mode TEXT NOT NULL,
  created_seq  INTEGER NOT NULL
);

-- UNIQUE constraints are the last line of defence against two endpoints sharing an address.
CREATE TABLE endpoints (
  id             TEXT PRIMARY KEY,
  network_id     TEXT NOT NULL REFERENCES networks (id),
  container_id   TEXT NOT NULL REFERENCES containers (id),
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
  UNIQUE (network_id, container_id),
  UNIQUE (network_id, ipv4),
  UNIQUE (container_id, ifname)
);
CREATE INDEX endpoints_container ON endpoints (container_id);
