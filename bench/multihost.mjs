#!/usr/bin/env node
// Figure 7: overlay networks across hosts, against a real consul and a real etcd in turn. Each
// host is a sandbox namespace with its own root and a `patchbay daemon` joined to the store,
// which runs in host 1; the hosts reach each other over one bridge in an underlay sandbox
// (10.97.0.K/24). Every command goes through its host's daemon. Measured:
// - convergence: `run --net multi --name bI --ip ADDR` on host 2; from the moment it returns
//   until container `a` on host 1, pinging ADDR every 10 ms since before the command started,
//   gets its first reply (ping -D's timestamp of that reply);
// - contention: every host runs K `run --net multi` at once; the whole burst's wall time per
//   connect (and connects/s), next to as many `run --net localbridge` at once on host 1 alone;
// - a dead host: the last host's daemon SIGKILLed and its namespaces wiped (a reboot, which
//   also takes it off the underlay); the time until no other host's FDB or neighbour table on
//   pbvx-256 holds its VTEP or any of its endpoints' addresses.
// Usage: sudo node bench/multihost.mjs [--rounds 20] [--hosts 3,10] [--per-host 5] [--bursts 3]
//          [--stores consul,etcd] [--quick|--smoke] [--json FILE]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { storeServer } from '../scripts/cluster-stores.mjs'
import { benchOptions, fmtMs, median, percentile, report, row, sandbox, sh, timed, until } from './lib.mjs'

const { size, values } = benchOptions(
  {
    full: { rounds: 50, hosts: '3,10', perHost: 10, bursts: 3, stores: 'consul,etcd' },
    quick: { rounds: 20, hosts: '3,10', perHost: 5, bursts: 3, stores: 'consul,etcd' },
    smoke: { rounds: 3, hosts: '3', perHost: 2, bursts: 1, stores: 'consul' },
  },
  { hosts: { type: 'string' }, 'per-host': { type: 'string' }, bursts: { type: 'string' }, stores: { type: 'string' } },
)
const hostCounts = (values.hosts ?? size.hosts).split(',').map(Number)
const perHost = Number(values['per-host'] ?? size.perHost)
const bursts = Number(values.bursts ?? size.bursts)
const stores = (values.stores ?? size.stores).split(',')

const NET = 'multi'
const VXLAN = 'pbvx-256' // the first overlay network's VNI
/** How long a probe pings before the round counts as no reply. */
const PROBE_S = 5
/** Wall-clock milliseconds with a fraction, comparable with ping -D's timestamps. */
const wallNow = () => performance.timeOrigin + performance.now()

/**
 * n hosts on one underlay bridge, `kind` running in host 1, every host's daemon joined to it;
 * the overlay network made on host 1 and listed by every host. Returns { hosts, cleanup }; each
 * host is { name, address, sb }.
 */
async function cluster(kind, n) {
  const underlay = sandbox('mh-u')
  const hosts = []
  // Host 1, with the store, goes last: a daemon that loses its store says so on stderr.
  const cleanup = () => {
    for (const h of [...hosts].reverse()) h.sb.cleanup()
    underlay.cleanup()
  }
  try {
    underlay.ip(['link add br0 type bridge', 'link set br0 up'])
    for (let k = 1; k <= n; k++) {
      const h = { name: `h${k}`, address: `10.97.0.${k}`, sb: sandbox(`mh-h${k}`) }
      hosts.push(h)
      underlay.ip([`link add ${h.name} type veth peer name ul0 netns ${h.sb.ns}`, `link set ${h.name} master br0`, `link set ${h.name} up`])
      h.sb.ip([`addr add ${h.address}/24 dev ul0`, 'link set ul0 up'])
    }
    const first = hosts[0]
    const store = storeServer(kind, { address: first.address, name: first.name, dataDir: join(first.sb.scratch, kind) })
    const log = join(first.sb.scratch, `${kind}.log`)
    const server = first.sb.start(store.argv, { log })
    await until(
      30_000,
      async () => {
        if (server.exitCode !== null) throw new Error(`exited ${server.exitCode}`)
        return sh(first.sb.inNs(store.ready)).then(
          () => true,
          () => false,
        )
      },
      { every: 100 },
    ).catch((e) => {
      throw new Error(`${kind} did not start: ${e.message}: ${readFileSync(log, 'utf8').slice(-2000)}`)
    })
    await Promise.all(hosts.map((h) => h.sb.daemon(['--cluster-store', store.url, '--cluster-advertise', h.address, '--cluster-host', h.name], { ready: /cluster: joined/ })))
    await first.sb.ok('network', 'create', '-d', 'overlay', '--subnet', '10.0.0.0/16', NET)
    const lists = async (h) => (await h.sb.ok('network', 'ls', '--format', '{{.Name}}')).split('\n').includes(NET)
    await until(10_000, async () => (await Promise.all(hosts.map(lists))).every(Boolean))
    return { hosts, cleanup }
  } catch (e) {
    cleanup()
    throw e
  }
}

/**
 * `ping` from the container namespace `netns` to `ip` every 10 ms, stopped at the first reply
 * (an error, such as an address not resolved yet, counts as a packet): resolves with that
 * reply's wall-clock ms, or null when none came within about PROBE_S.
 */
function firstReply(netns, ip) {
  const reply = /^\[(\d+\.\d+)\] \d+ bytes from/m
  // Line-buffered: ping's stdio would hold the reply back until it exits. No -w: with a
  // deadline, ping quits at the first error.
  const argv = ['nsenter', `--net=${netns}`, '--', 'stdbuf', '-oL', 'ping', '-n', '-D', '-i', '0.01', '-c', String(PROBE_S * 100), '-W', '1', ip]
  return sh(argv, { stopAt: reply }).then(
    (out) => Number(reply.exec(out)[1]) * 1000,
    () => null,
  )
}

/**
 * Convergence, `rounds` times: a container on host 2 with a fixed address, pinged from `a` on
 * host 1 since before the command started. Returns the commands' and the convergence times (a
 * probe that got no reply counts as PROBE_S), how many probes got none and how many got their
 * reply before the command was seen to return.
 */
async function convergence(hosts, rounds) {
  const [h1, h2] = hosts
  await h1.sb.ok('run', '--net', NET, '--name', 'a')
  // Each host's overlay devices are made by its first endpoint: warm them, and check the path.
  for (const h of hosts.slice(1)) await h.sb.ok('run', '--net', NET, '--name', `warm-${h.name}`)
  const netns = (await h1.sb.ok('inspect', '--format', '{{.NetworkSettings.SandboxKey}}', 'a')).trim()
  // The kernel retries an unanswered ARP request after 1 s: a probe that started before host 1
  // knew the address would measure that retry, not patchbay. 10 ms, as often as it pings.
  await sh(['nsenter', `--net=${netns}`, '--', 'sysctl', '-qw', 'net.ipv4.neigh.eth0.retrans_time_ms=10'])
  const warm = (await h2.sb.ok('inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, `warm-${h2.name}`)).trim()
  if ((await firstReply(netns, warm)) === null) throw new Error(`a on ${h1.name} cannot reach ${warm} on ${h2.name}: the overlay does not work`)
  const command = []
  const converged = []
  let missed = 0
  let early = 0
  for (let i = 0; i < rounds; i++) {
    const ip = `10.0.200.${i + 2}`
    const reply = firstReply(netns, ip)
    command.push(await timed(h2.sb.pb('run', '--net', NET, '--name', `b${i}`, '--ip', ip), { env: h2.sb.env }))
    const returned = wallNow()
    const at = await reply
    if (at === null) missed++
    // A reply can beat the client's exit being seen here: host 1 was ready first, 0 ms to wait.
    else if (at < returned) early++
    converged.push(at === null ? PROBE_S * 1000 : Math.max(0, at - returned))
  }
  return { command, converged, missed, early }
}

/** Runs every [host, argv] at once; resolves with the wall time, the failures and the first error. */
async function burst(jobs) {
  const t = performance.now()
  const results = await Promise.allSettled(jobs.map(([h, argv]) => sh(h.sb.pb(...argv), { env: h.sb.env })))
  const ms = performance.now() - t
  const failed = results.filter((r) => r.status === 'rejected')
  // A failure's stderr, on one line, without the command line before it.
  const error = failed[0]?.reason.message.replace(/^.*?: exit /s, 'exit ').replace(/\s+/g, ' ')
  return { ms, failed: failed.length, error }
}

/**
 * `bursts` rounds, each: every host runs perHost `run --net multi` at once, then host 1 alone
 * as many `run --net localbridge`. Returns both sides' milliseconds per connect, each burst's
 * wall time and the failures.
 */
async function contention(hosts) {
  const n = hosts.length * perHost
  const h1 = hosts[0]
  await h1.sb.ok('network', 'create', '--subnet', '172.30.0.0/16', 'localbridge')
  const endpoints = async (h) => Object.values(JSON.parse(await h.sb.ok('network', 'inspect', NET))[0].Containers)
  const before = (await endpoints(h1)).length
  const sides = { global: { ms: [], walls: [], failed: 0 }, local: { ms: [], walls: [], failed: 0 } }
  const record = (side, r) => {
    side.walls.push(r.ms)
    side.ms.push(r.ms / n)
    side.failed += r.failed
    side.error ??= r.error
  }
  for (let r = 0; r < bursts; r++) {
    record(sides.global, await burst(hosts.flatMap((h) => Array.from({ length: perHost }, (_, j) => [h, ['run', '--net', NET, '--name', `g${r}-${h.name}-${j}`]]))))
    record(sides.local, await burst(Array.from({ length: n }, (_, j) => [h1, ['run', '--net', 'localbridge', '--name', `l${r}-${j}`]])))
  }
  // What the bursts claim: every host lists every endpoint they made, no address twice.
  const made = before + bursts * n - sides.global.failed
  for (const h of hosts) {
    await until(10_000, async () => (await endpoints(h)).length === made).catch(async () => {
      throw new Error(`${h.name} lists ${(await endpoints(h)).length} endpoints on ${NET}, not the ${made} made`)
    })
  }
  const addresses = (await endpoints(hosts.at(-1))).map((c) => c.IPv4Address)
  if (new Set(addresses).size !== addresses.length) throw new Error(`${NET}: an address was given twice: ${addresses.sort().join(' ')}`)
  return sides
}

/**
 * The last host dies (SIGKILL to its daemon, then what a reboot wipes); resolves with the ms
 * until no other host's VXLAN FDB or neighbour table holds its VTEP or its endpoints.
 */
async function withdrawal(hosts) {
  const dead = hosts.at(-1)
  const others = hosts.slice(0, -1)
  const containers = Object.values(JSON.parse(await others[0].sb.ok('network', 'inspect', NET))[0].Containers)
  const theirs = containers.filter((c) => c.Host === dead.name).map((c) => c.IPv4Address.split('/')[0])
  if (!theirs.length) throw new Error(`${dead.name} holds no endpoint of ${NET}: nothing to withdraw`)
  const pattern = new RegExp(`dst ${dead.address.replaceAll('.', '\\.')}(?!\\d)|^(${theirs.join('|').replaceAll('.', '\\.')}) `, 'm')
  const holds = async (h) => pattern.test(await sh(h.sb.inNs(['sh', '-c', `bridge fdb show dev ${VXLAN}; ip neigh show dev ${VXLAN}`])))
  await until(10_000, async () => (await Promise.all(others.map(holds))).every(Boolean))
  const t = performance.now()
  dead.sb.reboot()
  await Promise.all(others.map((h) => until(30_000, async () => !(await holds(h)))))
  return performance.now() - t
}

const rows = []
for (const kind of stores) {
  for (const [i, n] of hostCounts.entries()) {
    process.stderr.write(`bench: figure 7: ${kind}, ${n} hosts\n`)
    const { hosts, cleanup } = await cluster(kind, n)
    try {
      const at = `${kind}, ${n} hosts`
      if (i === 0) {
        const c = await convergence(hosts, size.rounds)
        const missed = c.missed ? `; ${c.missed} got no reply within ${PROBE_S} s (counted as ${PROBE_S} s)` : ''
        const note = `${size.rounds} rounds; ${c.early} answered before the command was seen to return (0 ms)${missed}`
        const command = { label: 'the run --net command itself', ms: c.command }
        rows.push(row('7', { label: `${at}: run on h2 → first ping reply on h1, median`, ms: c.converged }, command, { maxMs: 100, note }))
        rows.push(row('7', { label: `${at}: run on h2 → first ping reply on h1, p99`, ms: percentile(c.converged, 99) }, null, { maxMs: 1000 }))
      }
      const s = await contention(hosts)
      const rate = (side) => `${(1000 / median(side.ms)).toFixed(0)}/s`
      const failures = s.global.failed + s.local.failed
      const error = s.global.error ?? s.local.error
      const note = `${n} × ${perHost} at once, median of ${bursts} bursts: ${rate(s.global)} across hosts (a burst, its slowest command: ${fmtMs(median(s.global.walls))}), ${rate(s.local)} on one host (${fmtMs(median(s.local.walls))}); ${failures} failed${error ? ` (${error})` : ''}`
      rows.push({
        ...row('7', { label: `${at}: ${perHost} run --net on each at once, per connect`, ms: s.global.ms }, { label: `${n * perHost} run --net localbridge on h1`, ms: s.local.ms }, { note }),
        target: '0 failed',
        pass: failures === 0,
      })
      const ms = await withdrawal(hosts)
      rows.push(row('7', { label: `${at}: dead host's FDB + neighbour entries gone everywhere`, ms }, null, { maxMs: 15_000, note: 'SIGKILL of its daemon to the last entry gone; the heartbeat timeout alone is 8 s' }))
    } finally {
      cleanup()
    }
  }
}
report(rows, values, `figure 7: overlay networks across hosts (${stores.join(', ')}), every command through its host's daemon`)
