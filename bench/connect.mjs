#!/usr/bin/env node
// Figure 2: connecting one existing container namespace to a bridge that is already up, and
// disconnecting it again. Three sandboxes hold the same topology (one bridge network
// 10.88.0.0/24 with one container on it, plus the namespaces to connect, made beforehand and
// not timed): patchbay's `network connect NET C` / `network disconnect NET C`, netavark's
// `setup` / `teardown` (podman's path) and the CNI bridge plugin's ADD / DEL (with host-local
// IPAM), and patchbay again in a fourth sandbox whose commands a `patchbay daemon` answers
// (started beforehand, as the service would be). Each round connects one more container on
// each, interleaved; then the disconnects. Every container gets the same address on every
// side (.3, .4, … in order). Targets are judged with the daemon running; on their own, each
// call pays a Node start-up (the `node -e 0` row).
// Usage: sudo node bench/connect.mjs [--rounds 20] [--quick|--smoke] [--json FILE]
import { benchOptions, bridgeNet, cniBridge, ensurePeers, interleave, netavark, netnsPath, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions({ full: { rounds: 20 }, quick: { rounds: 10 }, smoke: { rounds: 2 } })
await ensurePeers()
const n = size.rounds
const net = bridgeNet('benchnet', 'pbbench0', '10.88.0')
const pbs = sandbox('conn-pb')
const pbd = sandbox('conn-pbd')
const nvs = sandbox('conn-nv')
const cns = sandbox('conn-cni')
try {
  // patchbay: the bridge made warm by a first container; the others exist on no network.
  for (const sb of [pbs, pbd]) {
    await sb.ok('network', 'create', '--subnet', net.subnet, '--gateway', net.gateway, 'benchnet')
    await sb.ok('run', '--name', 'warm', '--net', 'benchnet')
    for (let i = 1; i <= n; i++) {
      await sb.ok('run', '--name', `c${i}`, '--net', 'none')
      await sb.ok('network', 'disconnect', 'none', `c${i}`)
    }
  }
  await pbd.daemon()
  const names = Array.from({ length: n + 1 }, (_, i) => `c${i}`)
  const nv = nvs.netns(names).map(netnsPath)
  const cn = cns.netns(names).map(netnsPath)
  const nva = netavark(nvs, net)
  const cni = cniBridge(cns, net)
  await timed(...nva.setup(nv[0], 0))
  await timed(...cni.add(cn[0], 0))

  const up = await interleave(n, {
    node: () => timed(pbs.inNs(['node', '-e', '0'])),
    patchbay: (i) => timed(pbs.pb('network', 'connect', 'benchnet', `c${i + 1}`), { env: pbs.env }),
    daemon: (i) => timed(pbd.pb('network', 'connect', 'benchnet', `c${i + 1}`), { env: pbd.env }),
    netavark: (i) => timed(...nva.setup(nv[i + 1], i + 1)),
    cni: (i) => timed(...cni.add(cn[i + 1], i + 1)),
  })
  for (const sb of [pbs, pbd]) {
    const ip = (await sb.ok('inspect', '--format', '{{.NetworkSettings.Networks.benchnet.IPAddress}}', `c${n}`)).trim()
    if (ip !== net.ip(n)) throw new Error(`patchbay gave c${n} ${ip}, the peers ${net.ip(n)}: not the same topology`)
  }
  const down = await interleave(n, {
    patchbay: (i) => timed(pbs.pb('network', 'disconnect', 'benchnet', `c${i + 1}`), { env: pbs.env }),
    daemon: (i) => timed(pbd.pb('network', 'disconnect', 'benchnet', `c${i + 1}`), { env: pbd.env }),
    netavark: (i) => timed(...nva.teardown(nv[i + 1], i + 1)),
    cni: (i) => timed(...cni.del(cn[i + 1], i + 1)),
  })
  report(
    [
      row('2', { label: 'network connect (warm bridge), daemon running', ms: up.daemon }, { label: 'netavark setup', ms: up.netavark }, { max: 0.8 }),
      row('2', { label: 'network disconnect, daemon running', ms: down.daemon }, { label: 'netavark teardown', ms: down.netavark }, { max: 1.0 }),
      row('2', { label: 'network connect (warm bridge), daemon running', ms: up.daemon }, { label: 'CNI bridge ADD', ms: up.cni }),
      row('2', { label: 'network disconnect, daemon running', ms: down.daemon }, { label: 'CNI bridge DEL', ms: down.cni }),
      row('2', { label: 'network connect (warm bridge), on its own', ms: up.patchbay }, { label: 'netavark setup', ms: up.netavark }),
      row('2', { label: 'network disconnect, on its own', ms: down.patchbay }, { label: 'netavark teardown', ms: down.netavark }),
      row('2', { label: 'network connect (warm bridge), on its own', ms: up.patchbay }, { label: 'node -e 0', ms: up.node }),
    ],
    values,
    `figure 2: one connect / disconnect on a warm bridge; medians of ${n} interleaved rounds, each through nsenter --net`,
  )
} finally {
  for (const sb of [pbs, pbd, nvs, cns]) sb.cleanup()
}
