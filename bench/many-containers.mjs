#!/usr/bin/env node
// Figure 3: N containers (100) created and connected to one bridge network, one CLI call
// each, on a fresh sandbox per side and round; the network itself exists beforehand
// (patchbay: `network create`, not timed; the peers need no such step).
//   patchbay: `patchbay run --name cI --net NET` per container: one process that makes the
//     namespace, the veth pair, addresses, routes, hosts files and firewall rules.
//   patchbay with its daemon running (started beforehand, not timed): the same command, answered
//     by `patchbay daemon`; the targets are judged on this side.
//   netavark: `ip netns add cI` then `netavark setup /run/netns/cI` per container: two
//     processes, as podman needs a namespace before it calls netavark.
//   CNI: `ip netns add cI` then the bridge plugin's ADD (host-local IPAM) per container.
// The containers are interleaved across the sides (c1 on each, then c2, …); a side's figure
// is the sum of its N calls, the median over rounds. Every side hands out the same addresses.
// Batch mode: `patchbay apply` reading the same N operations from stdin, one per line in the
// CLI's own syntax (`run --name c1 --net NET`), in one process; its figure is the wall time
// divided by N, start-up included (bench/apply.mjs measures the operations alone).
// Usage: sudo node bench/many-containers.mjs [--containers 100] [--rounds 3] [--quick|--smoke] [--json FILE]
import { benchOptions, bridgeNet, cniBridge, ensurePeers, netavark, netnsPath, report, row, sandbox, sum, timed } from './lib.mjs'

const { size, values } = benchOptions(
  { full: { rounds: 3, containers: 100 }, quick: { rounds: 1, containers: 100 }, smoke: { rounds: 1, containers: 5 } },
  { containers: { type: 'string' } },
)
const n = Number(values.containers ?? size.containers)
if (n > 250) throw new Error('--containers: at most 250 (one /24)')
await ensurePeers()
const net = bridgeNet('benchnet', 'pbbench0', '10.88.0')

const t = { patchbay: [], daemon: [], netavark: [], cni: [], apply: [] }
for (let r = 0; r < size.rounds; r++) {
  const pbs = sandbox('many-pb')
  const pbd = sandbox('many-pbd')
  const nvs = sandbox('many-nv')
  const cns = sandbox('many-cni')
  try {
    for (const sb of [pbs, pbd]) await sb.ok('network', 'create', '--subnet', net.subnet, '--gateway', net.gateway, 'benchnet')
    await pbd.daemon()
    const nva = netavark(nvs, net)
    const cni = cniBridge(cns, net)
    const names = Array.from({ length: n }, (_, i) => `c${i}`)
    const nv = nvs.netns(names, { create: false })
    const cn = cns.netns(names, { create: false })
    const round = { patchbay: [], daemon: [], netavark: [], cni: [] }
    for (let i = 0; i < n; i++) {
      round.patchbay.push(await timed(pbs.pb('run', '--name', `c${i}`, '--net', 'benchnet'), { env: pbs.env }))
      round.daemon.push(await timed(pbd.pb('run', '--name', `c${i}`, '--net', 'benchnet'), { env: pbd.env }))
      round.netavark.push((await timed(['ip', 'netns', 'add', nv[i]])) + (await timed(...nva.setup(netnsPath(nv[i]), i))))
      round.cni.push((await timed(['ip', 'netns', 'add', cn[i]])) + (await timed(...cni.add(netnsPath(cn[i]), i))))
    }
    for (const sb of [pbs, pbd]) {
      const ip = (await sb.ok('inspect', '--format', '{{.NetworkSettings.Networks.benchnet.IPAddress}}', `c${n - 1}`)).trim()
      if (ip !== net.ip(n - 1)) throw new Error(`patchbay gave c${n - 1} ${ip}, the peers ${net.ip(n - 1)}: not the same topology`)
    }
    for (const k of Object.keys(round)) t[k].push(sum(round[k]))
  } finally {
    for (const sb of [pbs, pbd, nvs, cns]) sb.cleanup()
  }
  t.apply.push(await timeApply())
}

/** One `patchbay apply` of the N operations on stdin, in a fresh sandbox; checks they all happened. */
async function timeApply() {
  const sb = sandbox('many-apply')
  try {
    await sb.ok('network', 'create', '--subnet', net.subnet, '--gateway', net.gateway, 'benchnet')
    const ops = Array.from({ length: n }, (_, i) => `run --name c${i} --net benchnet\n`).join('')
    const ms = await timed(sb.pb('apply'), { env: sb.env, input: ops })
    const made = (await sb.ok('container', 'ls', '-q')).trim().split('\n').filter(Boolean).length
    if (made !== n) throw new Error(`patchbay apply made ${made} containers, not ${n}`)
    return ms
  } finally {
    sb.cleanup()
  }
}

const label = `${n} × run --net`
const perOp = (xs) => xs.map((x) => x / n)
report(
  [
    row('3', { label: `${label}, daemon running`, ms: t.daemon }, { label: `${n} × (ip netns add + netavark setup)`, ms: t.netavark }, { max: 0.5 }),
    row('3', { label: `${label}, daemon running`, ms: t.daemon }, { label: `${n} × (ip netns add + CNI ADD)`, ms: t.cni }),
    row('3', { label: `${label}, on their own`, ms: t.patchbay }, { label: `${n} × (ip netns add + netavark setup)`, ms: t.netavark }),
    // The whole call divided by N, start-up included; figure 3b judges the per-operation goal.
    row('3', { label: `apply ${n} × run, one call, ÷ ${n}`, ms: perOp(t.apply) }, { label: 'netavark, per container', ms: perOp(t.netavark) }),
  ],
  values,
  `figure 3: ${n} containers created and connected, one call each; medians of ${size.rounds} round(s), containers interleaved across the sides`,
)
