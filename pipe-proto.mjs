import Database from 'better-sqlite3'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
const src = '/tmp/pbgen-1m/patchbay.db'
const b = (v) => (v ? 1 : 0)
function args(type, seq, p) {
  switch (type) {
    case 'NetworkCreated': return [['netIns', [p.id, p.name, p.driver, p.scope, p.created, p.subnet, p.gateway, p.ipRange, b(p.internal), b(p.attachable), b(p.builtin), p.bridge, p.mtu, JSON.stringify(p.labels), JSON.stringify(p.options), seq]]]
    case 'NetworkRemoved': return [['netDel', [p.id]]]
    case 'ContainerCreated': return [['ctrIns', [p.id, p.name, p.created, p.hostname, p.netnsKind, p.netnsPath, p.netnsInode, p.networkMode, seq]]]
    case 'ContainerRemoved': return [['ctrDel', [p.id]]]
    case 'EndpointConnected': return [['epIns', [p.id, p.networkId, p.containerId, p.ifname, p.hostIfname, p.bridge, p.ipv4, p.prefixLen, p.gateway, p.mac, p.mtu, JSON.stringify(p.aliases), b(p.defaultRoute !== null), seq]]]
    case 'EndpointDisconnected': return p.defaultRouteMovesTo ? [['epDel', [p.id]], ['routeOff', [p.containerId]], ['routeOn', [p.containerId, p.defaultRouteMovesTo.ifname]]] : [['epDel', [p.id]]]
    default: return []
  }
}
if (!isMainThread) {
  const log = new Database(src, { readonly: true })
  log.pragma('mmap_size = 2000000000')
  const st = log.prepare('select seq, type, payload from events where seq > ? order by seq limit 2048').raw()
  let after = 0
  for (;;) {
    const rows = st.all(after)
    if (rows.length === 0) break
    const out = []
    for (const [seq, type, payload] of rows) out.push(...args(type, seq, JSON.parse(payload)))
    after = rows.at(-1)[0]
    parentPort.postMessage(JSON.stringify(out))
  }
  parentPort.postMessage(null)
} else {
  const log = new Database(src, { readonly: true })
  const schema = log.prepare("select sql from sqlite_master where tbl_name in ('networks','containers','endpoints') and sql is not null and type in ('table','index')").all().map(r => r.sql)
  const db = new Database(':memory:')
  for (const s of schema) db.exec(s)
  db.pragma('foreign_keys = ON')
  const s = {
    netIns: db.prepare(`INSERT INTO networks (id, name, driver, scope, created, subnet, gateway, ip_range, internal, attachable, builtin, bridge, mtu, labels, options, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    netDel: db.prepare('DELETE FROM networks WHERE id = ?'),
    ctrIns: db.prepare(`INSERT INTO containers (id, name, created, hostname, netns_kind, netns_path, netns_inode, network_mode, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    ctrDel: db.prepare('DELETE FROM containers WHERE id = ?'),
    epIns: db.prepare(`INSERT INTO endpoints (id, network_id, container_id, ifname, host_ifname, bridge, ipv4, prefix_len, gateway, mac, mtu, aliases, default_route, connected_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    epDel: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    routeOff: db.prepare('UPDATE endpoints SET default_route = 0 WHERE container_id = ?'),
    routeOn: db.prepare('UPDATE endpoints SET default_route = 1 WHERE container_id = ? AND ifname = ?'),
  }
  db.exec('BEGIN')
  const t0 = performance.now()
  const mode = process.argv[2]
  if (mode === 'single') {
    const st = log.prepare('select seq, type, payload from events where seq > ? order by seq limit 2048').raw()
    let after = 0
    for (;;) { const rows = st.all(after); if (!rows.length) break; for (const [seq, type, payload] of rows) for (const [k, a] of args(type, seq, JSON.parse(payload))) s[k].run(a); after = rows.at(-1)[0] }
    console.log('single ms', (performance.now() - t0).toFixed(0))
  } else {
    const w = new Worker(new URL(import.meta.url), {})
    let applyMs = 0
    w.on('message', (m) => {
      if (m === null) { console.log('pipelined ms', (performance.now() - t0).toFixed(0), 'main apply ms', applyMs.toFixed(0)); for (const t of ['networks','containers','endpoints']) console.log(t, db.prepare(`select count(*) c from ${t}`).get().c); w.terminate(); return }
      const t = performance.now()
      for (const [k, a] of JSON.parse(m)) s[k].run(a)
      applyMs += performance.now() - t
    })
  }
}
