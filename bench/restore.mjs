#!/usr/bin/env node
// Figure 6b: `patchbay restore` after a reboot, for N bridge networks × M containers each
// (target: 100 × 1000 in 30 s). dist/gen-topology.js writes the log straight into a fresh
// root; the sandbox's kernel side is empty, so restore builds every bridge, namespace, veth,
// address, route, hosts file and the firewall. A second restore (nothing to do, pure
// observation) is timed too. Everything runs in a sandbox namespace of its own.
// The peer, in the same run: what podman's stack pays to bring one endpoint back (`ip netns
// add` + `netavark setup` on one bridge), the median of --sample containers, times the
// number of endpoints.
// 100 × 1000 does not fit every machine: each container's namespace, veths and files hold
// about 350 KB of kernel memory (35 GB for 100,000), and user.max_net_namespaces may be below
// 100,000. The full run therefore restores 10 × 1000 (--quick: 1 × 1000) and judges the
// target on a linear extrapolation in N (the networks are independent of each other; M stays
// 1000, since every container's hosts file names every other one on its network). A shape
// that does not fit is refused before anything is made.
// Usage: sudo node bench/restore.mjs [--networks N] [--containers M] [--rounds 1] [--sample 20] [--quick|--smoke] [--json FILE]
import { readFileSync } from 'node:fs'
import {
  REPO,
  benchOptions,
  bridgeNet,
  ensurePeers,
  fmtMs,
  median,
  netavark,
  netnsPath,
  report,
  row,
  sandbox,
  sh,
  timed,
} from './lib.mjs'

const TARGET = { networks: 100, containers: 1000, ms: 30_000 }
const KB_PER_CONTAINER = 350
const { size, values } = benchOptions(
  {
    full: { rounds: 1, networks: 10, containers: 1000, sample: 20 },
    quick: { rounds: 1, networks: 1, containers: 1000, sample: 10 },
    smoke: { rounds: 1, networks: 2, containers: 5, sample: 2 },
  },
  { networks: { type: 'string' }, containers: { type: 'string' }, sample: { type: 'string' } },
)
const networks = Number(values.networks ?? size.networks)
const perNetwork = Number(values.containers ?? size.containers)
const sample = Number(values.sample ?? size.sample)
const endpoints = networks * perNetwork
const maxNetns = Number(readFileSync('/proc/sys/user/max_net_namespaces', 'utf8'))
if (endpoints * KB_PER_CONTAINER > availKb() * 0.6 || endpoints > maxNetns * 0.9) {
  throw new Error(
    `${networks} × ${perNetwork} containers do not fit here: they need about ${Math.ceil((endpoints * KB_PER_CONTAINER) / 2 ** 20)} GB ` +
      `(${Math.floor(availKb() / 2 ** 20)} GB available) and ${endpoints} network namespaces (user.max_net_namespaces is ${maxNetns})`,
  )
}
ensurePeers()

function availKb() {
  return Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))[1])
}

const t = { restore: [], noop: [], netavark: [] }
let kbPerContainer = null
const sb = sandbox('restore')
try {
  sh(['node', `${REPO}/dist/gen-topology.js`, '--root', sb.root, '--networks', String(networks), '--containers', String(perNetwork)])
  for (let r = 0; r < size.rounds; r++) {
    if (r > 0) sb.reboot()
    const before = availKb()
    t.restore.push(timed(sb.pb('restore'), { env: sb.env, expect: /^restore: \d+ changes/ }))
    // Kernel memory per container, roughly (other processes move MemAvailable too).
    if (endpoints >= 1000) kbPerContainer = (before - availKb()) / endpoints
    t.noop.push(timed(sb.pb('restore'), { env: sb.env, expect: /nothing to do/ }))
  }
} finally {
  sb.cleanup()
}
const nvs = sandbox('restore-nv')
try {
  const net = bridgeNet('benchnet', 'pbbench0', '10.88.0')
  const nva = netavark(nvs, net)
  const names = nvs.netns(Array.from({ length: sample }, (_, i) => `c${i}`), { create: false })
  for (let i = 0; i < sample; i++) t.netavark.push(timed(['ip', 'netns', 'add', names[i]]) + timed(...nva.setup(netnsPath(names[i]), i)))
} finally {
  nvs.cleanup()
}

const scale = (TARGET.networks * TARGET.containers) / endpoints
const med = median(t.restore)
const shape = `${networks} × ${perNetwork}`
// With M = 1000 the networks are alike and independent; with fewer containers a network the
// hosts files are smaller, so the extrapolation says less.
const linear = perNetwork === TARGET.containers ? 'linear in N' : `linear in endpoints, optimistic: M is ${perNetwork}, not 1000`
const measured = `${endpoints.toLocaleString('en-US')} endpoints` + (kbPerContainer === null ? '' : `, about ${Math.round(kbPerContainer)} KB of memory each`)
report(
  [
    row('6b', { label: `restore ${shape}`, ms: t.restore }, { label: `netavark × ${endpoints} (${sample} sampled)`, ms: median(t.netavark) * endpoints }, {
      maxMs: TARGET.ms,
      scale,
      note: scale === 1 ? measured : `${measured}; target is for 100 × 1000: judged on ${fmtMs(med)} × ${scale.toFixed(1)} = ${fmtMs(med * scale)} (${linear})`,
    }),
    row('6b', { label: `restore ${shape}, nothing to do`, ms: t.noop }, null),
  ],
  values,
  `figure 6b: restore after a reboot, ${shape} containers; medians of ${size.rounds} round(s)`,
)
