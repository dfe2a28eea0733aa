#!/usr/bin/env node
// Figure 6b: `patchbay restore` after a reboot, for N bridge networks × M containers each
// (target: 100 × 1000 in 30 s). dist/gen-topology.js writes the log straight into a fresh
// root; the sandbox's kernel side is empty, so restore builds every bridge, namespace, veth,
// address, route, hosts file and the firewall. A second restore (nothing to do, pure
// observation) is timed too. Everything runs in a sandbox namespace of its own.
// The peer, in the same run: what podman's stack pays to bring one endpoint back (`ip netns
// add` + `netavark setup` on one bridge), the median of --sample containers, times the
// number of endpoints. And the kernel's floor: the same namespaces and veth pairs on the same
// bridges made by one `ip -batch` (no addresses, routes, files or firewall), the least any
// tool has to wait for.
// 100 × 1000 does not fit every machine: each container's namespace, veths and files hold
// about 350 KB of kernel memory (35 GB for 100,000), and user.max_net_namespaces may be below
// 100,000. So the full run restores 1 × 1000 and 10 × 1000 (--quick: 1 × 1000) and judges
// the target on an extrapolation to N = 100 from the largest: along the power law through the
// two sizes (the cost per endpoint grows with the number of containers), or linearly when
// there is one size (optimistic). M stays 1000, the target's: every container's hosts file
// names every other one on its network. A shape that does not fit is refused up front.
// Usage: sudo node bench/restore.mjs [--networks 1,10] [--containers 1000] [--rounds 1] [--sample 20] [--quick|--smoke] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs'
import { REPO, benchOptions, bridgeNet, ensurePeers, fmtMs, median, netavark, netnsPath, report, row, sandbox, sh, timed } from './lib.mjs'

const TARGET = { networks: 100, containers: 1000, ms: 30_000 }
const KB_PER_CONTAINER = 350
const { size, values } = benchOptions(
  {
    full: { rounds: 1, networks: '1,10', containers: 1000, sample: 20 },
    quick: { rounds: 1, networks: '1', containers: 1000, sample: 10 },
    smoke: { rounds: 1, networks: '2', containers: 5, sample: 2 },
  },
  { networks: { type: 'string' }, containers: { type: 'string' }, sample: { type: 'string' } },
)
const sizes = (values.networks ?? size.networks).split(',').map(Number).sort((a, b) => a - b)
const perNetwork = Number(values.containers ?? size.containers)
const sample = Number(values.sample ?? size.sample)

function availKb() {
  return Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))[1])
}
const most = sizes.at(-1) * perNetwork
const maxNetns = Number(readFileSync('/proc/sys/user/max_net_namespaces', 'utf8'))
if (most * KB_PER_CONTAINER > availKb() * 0.6 || most > maxNetns * 0.9) {
  throw new Error(
    `${sizes.at(-1)} × ${perNetwork} containers do not fit here: they need about ${Math.ceil((most * KB_PER_CONTAINER) / 2 ** 20)} GB ` +
      `(${Math.floor(availKb() / 2 ** 20)} GB available) and ${most} network namespaces (user.max_net_namespaces is ${maxNetns})`,
  )
}
await ensurePeers()

/** Restores of N × M after reboots: samples (ms) of the full and the no-op restore, memory per container. */
async function restoreOf(networks) {
  const t = { restore: [], noop: [], kb: null }
  const sb = sandbox('restore')
  try {
    await sh(['node', `${REPO}/dist/gen-topology.js`, '--root', sb.root, '--networks', String(networks), '--containers', String(perNetwork)])
    for (let r = 0; r < size.rounds; r++) {
      if (r > 0) sb.reboot()
      const before = availKb()
      t.restore.push(await timed(sb.pb('restore'), { env: sb.env, expect: /^restore: \d+ changes/ }))
      // Kernel memory per container, roughly (other processes move MemAvailable too).
      if (networks * perNetwork >= 1000) t.kb = (before - availKb()) / (networks * perNetwork)
      t.noop.push(await timed(sb.pb('restore'), { env: sb.env, expect: /nothing to do/ }))
    }
    return t
  } finally {
    sb.cleanup()
  }
}

/** ip netns add + netavark setup, per container, for `sample` containers on one bridge. */
async function netavarkPerEndpoint() {
  const sb = sandbox('restore-nv')
  try {
    const nva = netavark(sb, bridgeNet('benchnet', 'pbbench0', '10.88.0'))
    const names = sb.netns(Array.from({ length: sample }, (_, i) => `c${i}`), { create: false })
    const ms = []
    for (const [i, name] of names.entries()) ms.push((await timed(['ip', 'netns', 'add', name])) + (await timed(...nva.setup(netnsPath(name), i))))
    return median(ms)
  } finally {
    sb.cleanup()
  }
}

/** One `ip -batch` making N bridges and N × M namespaces, each with a veth pair on its bridge. */
async function kernelFloor(networks) {
  const sb = sandbox('restore-floor')
  try {
    const lines = []
    for (let j = 0; j < networks; j++) {
      lines.push(`link add pbfl${j} type bridge`, `link set pbfl${j} up`)
      const names = sb.netns(Array.from({ length: perNetwork }, (_, i) => `f${j}-${i}`), { create: false })
      for (const [i, ns] of names.entries()) lines.push(`netns add ${ns}`, `link add vf${j}-${i} type veth peer name eth0 netns ${ns}`, `link set vf${j}-${i} master pbfl${j} up`)
    }
    const file = `${sb.scratch}/floor.batch`
    writeFileSync(file, `${lines.join('\n')}\n`)
    return await timed(sb.inNs(['ip', '-batch', file]))
  } finally {
    sb.cleanup()
  }
}

const runs = []
for (const n of sizes) runs.push({ n, ...(await restoreOf(n)), floor: await kernelFloor(n) })
const peer = await netavarkPerEndpoint()

// Extrapolation of the largest size to the target's N: along t = a·N^k through the two
// largest sizes (k at least 1), or linearly from one; linearly to the target's M.
const [prev, last] = [runs.at(-2), runs.at(-1)]
const tLast = median(last.restore)
const k = prev ? Math.max(1, Math.log(tLast / median(prev.restore)) / Math.log(last.n / prev.n)) : 1
const scale = (TARGET.networks / last.n) ** k * (TARGET.containers / perNetwork)
const how = (prev ? `t ∝ N^${k.toFixed(2)} from ${prev.n} and ${last.n} networks` : 'linear in N, optimistic') + (perNetwork === TARGET.containers ? '' : ', and linear in M, optimistic')
const rows = runs.flatMap((r) => {
  const endpoints = r.n * perNetwork
  const judged = r === last
  const memory = r.kb === null ? '' : `, about ${Math.round(r.kb)} KB of memory each`
  const extrapolation = judged && scale !== 1 ? `; target is for 100 × 1000: judged on ${fmtMs(tLast)} × ${scale.toFixed(1)} = ${fmtMs(tLast * scale)} (${how})` : ''
  return [
    row('6b', { label: `restore ${r.n} × ${perNetwork}`, ms: r.restore }, { label: `netavark × ${endpoints} (${sample} sampled)`, ms: peer * endpoints }, {
      ...(judged ? { maxMs: TARGET.ms, scale } : {}),
      note: `${endpoints.toLocaleString('en-US')} endpoints${memory}${extrapolation}`,
    }),
    row('6b', { label: `restore ${r.n} × ${perNetwork}`, ms: r.restore }, { label: `kernel floor: ip -batch, ${endpoints} netns + veth`, ms: r.floor }, {
      // Linear: the kernel's cost per endpoint only grows with their number, so a lower bound.
      note: judged ? `at 100 × 1000 the floor alone is at least ${fmtMs(r.floor * (TARGET.networks / r.n) * (TARGET.containers / perNetwork))} (linear from here)` : undefined,
    }),
    row('6b', { label: `restore ${r.n} × ${perNetwork}, nothing to do`, ms: r.noop }, null),
  ]
})
report(rows, values, `figure 6b: restore after a reboot, N × ${perNetwork} containers; medians of ${size.rounds} round(s)`)
