#!/usr/bin/env node
// Figure 8: published ports and dual stack. A container made with one published port (`run
// -p`, a daemon running, against netavark `setup` with the same port_mappings, podman's path,
// whose DNAT rules are iptables'); a TCP connection's setup through such a port: from the
// sandbox host to its own address, DNATed to a server in the container (patchbay's output
// chain against netavark's OUTPUT rules), timed inside one client process, connect() to the
// connect event, so no process start-up is in it; and a container made on a dual-stack
// network (IPv4 and IPv6 addresses, both default routes) against netavark doing the same.
// Usage: sudo node bench/published-ports.mjs [--rounds 20] [--quick|--smoke] [--json FILE]
import { bridgeNet, benchOptions, ensurePeers, interleave, netavark, netnsPath, report, row, sandbox, sh, timed } from './lib.mjs'

const { size, values } = benchOptions({ full: { rounds: 20, connects: 500 }, quick: { rounds: 10, connects: 200 }, smoke: { rounds: 2, connects: 10 } })
await ensurePeers()
const n = size.rounds
const net = bridgeNet('benchnet', 'pbbench0', '10.89.0')
const dual = { ...bridgeNet('dualnet', 'pbbench1', '10.90.0'), subnet6: 'fd00:90::/64', gateway6: 'fd00:90::1', ip6: (index) => `fd00:90::${(index + 2).toString(16)}` }
const PORT = 8000
const pbd = sandbox('ports-pbd')
const nvs = sandbox('ports-nv')

/** A TCP server on port 80 in the namespace at nsPath, answering each connection by closing it. */
const SERVER = "require('net').createServer((s) => s.end()).listen(80, () => console.log('listening'))"
/** `count` connections to host:port in a row; prints each one's setup time in ms, as JSON. */
const CLIENT = `const net = require('net'); const [host, port, count] = process.argv.slice(1); const times = [];
const one = () => new Promise((ok, fail) => { const t = performance.now(); const s = net.connect(Number(port), host);
  s.on('connect', () => { times.push(performance.now() - t); s.destroy(); ok() }); s.on('error', fail) });
(async () => { for (let i = 0; i < Number(count); i++) await one(); console.log(JSON.stringify(times)) })()`

async function serve(sb, nsPath) {
  const child = sb.start(['nsenter', `--net=${nsPath}`, '--', 'node', '-e', SERVER], { log: `${sb.scratch}/server.log` })
  for (let i = 0; i < 100; i++) {
    const r = await sh(['nsenter', `--net=${nsPath}`, '--', 'ss', '-Hltn', 'sport = :80']).catch(() => '')
    if (r.trim()) return child
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the server in the container did not listen')
}

const connects = async (sb) => JSON.parse(await sh(sb.inNs(['node', '-e', CLIENT, net.gateway, String(PORT), String(size.connects)])))

try {
  await pbd.ok('network', 'create', '--subnet', net.subnet, '--gateway', net.gateway, 'benchnet')
  await pbd.ok('run', '--name', 'warm', '--net', 'benchnet')
  await pbd.ok('network', 'create', '--ipv6', '--subnet', dual.subnet, '--subnet', dual.subnet6, 'dualnet')
  await pbd.ok('run', '--name', 'd0', '--net', 'dualnet')
  await pbd.daemon()
  const names = Array.from({ length: n + 1 }, (_, i) => `c${i}`)
  const nv = nvs.netns(names).map(netnsPath)
  const nvDual = nvs.netns(names.map((x) => `d${x}`)).map(netnsPath)
  const nvaDual = netavark(nvs, dual)
  await timed(...nvaDual.setup(nvDual[0], 0))
  const nva = netavark(nvs, net, { ports: (i) => [{ host_ip: '', container_port: 80, host_port: PORT + i, range: 1, protocol: 'tcp' }] })
  // netavark's bridge made warm by container 0 (whose port the connections use), as patchbay's by `warm`.
  await timed(...nva.setup(nv[0], 0))

  const made = await interleave(n, {
    daemon: (i) => timed(pbd.pb('run', '--name', `c${i + 1}`, '--net', 'benchnet', '-p', `${PORT + i + 1}:80`), { env: pbd.env }),
    netavark: (i) => timed(...nva.setup(nv[i + 1], i + 1)),
    dualDaemon: (i) => timed(pbd.pb('run', '--name', `d${i + 1}`, '--net', 'dualnet'), { env: pbd.env }),
    dualNetavark: (i) => timed(...nvaDual.setup(nvDual[i + 1], i + 1)),
  })
  const v6 = (await pbd.ok('inspect', '-f', '{{.NetworkSettings.Networks.dualnet.GlobalIPv6Address}}', `d${n}`)).trim()
  if (v6 !== dual.ip6(n)) throw new Error(`patchbay gave d${n} ${v6}, netavark ${dual.ip6(n)}: not the same topology`)
  await pbd.ok('run', '--name', 'c0', '--net', 'benchnet', '-p', `${PORT}:80`)
  await serve(pbd, (await pbd.ok('inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'c0')).trim())
  await serve(nvs, nv[0])
  const pbConnects = await connects(pbd)
  const nvConnects = await connects(nvs)
  report(
    [
      row('8', { label: 'run -p PORT:80, daemon running', ms: made.daemon }, { label: 'netavark setup, one port mapping', ms: made.netavark }, { max: 1.0 }),
      row('8', { label: 'TCP connect via a published port, host', ms: pbConnects }, { label: 'same via netavark (iptables)', ms: nvConnects }, { max: 1.5 }),
      row('8', { label: 'run on a dual-stack network, daemon running', ms: made.dualDaemon }, { label: 'netavark setup, IPv4 + IPv6', ms: made.dualNetavark }, { max: 1.0 }),
    ],
    values,
    `figure 8: published ports and dual stack; medians of ${n} interleaved runs, and of ${size.connects} connections in a row on each`,
  )
} finally {
  for (const sb of [pbd, nvs]) sb.cleanup()
}
