#!/usr/bin/env node
// Figure 2: connecting one existing container namespace to a bridge that is already up, and
// disconnecting it again. Three sandboxes hold the same topology (one bridge network
// 10.88.0.0/24 with one container on it, plus the namespaces to connect, made beforehand and
// not timed): patchbay's `network connect NET C` / `network disconnect NET C`, netavark's
// `setup` / `teardown` (podman's path) and the CNI bridge plugin's ADD / DEL (with host-local
// IPAM). Each round connects one more container on each, interleaved; then the disconnects.
// Every container gets the same address on every side (.3, .4, … in order).
// Usage: sudo node bench/connect.mjs [--rounds 20] [--quick|--smoke] [--json FILE]
import { benchOptions, bridgeNet, cniBridge, ensurePeers, interleave, netavark, netnsPath, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions({ full: { rounds: 20 }, quick: { rounds: 10 }, smoke: { rounds: 2 } })
await ensurePeers()
const n = size.rounds
const net = bridgeNet('benchnet', 'pbbench0', '10.88.0')
const pbs = sandbox('conn-pb')
const nvs = sandbox('conn-nv')
const cns = sandbox('conn-cni')
try {
  // patchbay: the bridge made warm by a first container; the others exist on no network.
  await pbs.ok('network', 'create', '--subnet', net.subnet, '--gateway', net.gateway, 'benchnet')
  await pbs.ok('run', '--name', 'warm', '--net', 'benchnet')
  for (let i = 1; i <= n; i++) {
    await pbs.ok('run', '--name', `c${i}`, '--net', 'none')
    await pbs.ok('network', 'disconnect', 'none', `c${i}`)
  }
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
    netavark: (i) => timed(...nva.setup(nv[i + 1], i + 1)),
    cni: (i) => timed(...cni.add(cn[i + 1], i + 1)),
  })
  const ip = (await pbs.ok('inspect', '--format', '{{.NetworkSettings.Networks.benchnet.IPAddress}}', `c${n}`)).trim()
  if (ip !== net.ip(n)) throw new Error(`patchbay gave c${n} ${ip}, the peers ${net.ip(n)}: not the same topology`)
  const down = await interleave(n, {
    patchbay: (i) => timed(pbs.pb('network', 'disconnect', 'benchnet', `c${i + 1}`), { env: pbs.env }),
    netavark: (i) => timed(...nva.teardown(nv[i + 1], i + 1)),
    cni: (i) => timed(...cni.del(cn[i + 1], i + 1)),
  })
  report(
    [
      row('2', { label: 'network connect (warm bridge)', ms: up.patchbay }, { label: 'netavark setup', ms: up.netavark }, { max: 0.8 }),
      row('2', { label: 'network disconnect', ms: down.patchbay }, { label: 'netavark teardown', ms: down.netavark }, { max: 1.0 }),
      row('2', { label: 'network connect (warm bridge)', ms: up.patchbay }, { label: 'CNI bridge ADD', ms: up.cni }),
      row('2', { label: 'network disconnect', ms: down.patchbay }, { label: 'CNI bridge DEL', ms: down.cni }),
      row('2', { label: 'network connect (warm bridge)', ms: up.patchbay }, { label: 'node -e 0', ms: up.node }),
    ],
    values,
    `figure 2: one connect / disconnect on a warm bridge; medians of ${n} interleaved rounds, each through nsenter --net`,
  )
} finally {
  for (const sb of [pbs, nvs, cns]) sb.cleanup()
}
