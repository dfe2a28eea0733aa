// What every benchmark script shares: running commands and timing them, medians, sandbox
// namespaces with their own state roots (and their clean-up, also on failure or a signal), the
// peers (netavark, the CNI bridge plugin) driven the way podman and CNI runtimes drive them,
// the result rows and the table they print. Nothing here touches the root network
// namespace: every patchbay and peer command runs through `nsenter --net=<sandbox>`.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

export const REPO = fileURLToPath(new URL('..', import.meta.url))
/** The CLI measured; PATCHBAY_BENCH_BIN overrides it (another worktree's build, say). */
export const BIN = process.env.PATCHBAY_BENCH_BIN ?? join(REPO, 'bin/patchbay')

/** Children running now: a signal stops them before the sandboxes are removed. */
const running = new Set()
let stopping = false

/**
 * Runs argv to completion; resolves with its stdout, rejects (with its stderr) unless it exits
 * 0. Asynchronous, so that a signal is handled while a child runs (see hookCleanup).
 * `stderr: 'inherit'` passes the child's stderr through instead. `stopAt` (a RegExp): once
 * the output so far matches it, the child is sent SIGTERM and its output is the result.
 */
export function sh(argv, { env, input, stderr = 'pipe', stopAt } = {}) {
  hookCleanup()
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', stderr] })
    running.add(child)
    let out = ''
    let err = ''
    let stopped = false
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
      if (stopAt && !stopped && stopAt.test(out)) stopped = child.kill('SIGTERM')
    })
    child.stderr?.setEncoding('utf8').on('data', (d) => (err += d))
    child.on('error', (e) => reject(new Error(`${argv.join(' ')}: ${e.message}`)))
    child.on('close', (code, signal) => {
      running.delete(child)
      if (stopping && running.size === 0) process.exit(130)
      if (code === 0 || stopped) resolve(out)
      else reject(Object.assign(new Error(`${argv.join(' ')}: exit ${code ?? signal}${err.trim() ? `: ${err.trim()}` : ''}`), { stdout: out }))
    })
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

/** Plumbing (namespaces, mounts) that must also work in the exit handler: synchronous. */
function shSync(argv, { input, quiet } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: 'utf8' })
  if (!quiet && r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr}`)
}

/**
 * Calls `check` every `every` ms until it resolves true; resolves with the milliseconds that
 * took, or rejects once `ms` have passed (or when `check` throws).
 */
export async function until(ms, check, { every = 50 } = {}) {
  const t = performance.now()
  for (;;) {
    if (await check()) return performance.now() - t
    if (performance.now() - t > ms) throw new Error(`not within ${fmtMs(ms)}`)
    await new Promise((r) => setTimeout(r, every))
  }
}

/** Wall time of sh(argv) in milliseconds; `expect` (a RegExp) checks the output. */
export async function timed(argv, { expect, ...opts } = {}) {
  const t = process.hrtime.bigint()
  const out = await sh(argv, opts)
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (expect && !expect.test(out)) throw new Error(`${argv.join(' ')}: unexpected output: ${out.slice(0, 300)}`)
  return ms
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
export const sum = (xs) => xs.reduce((a, b) => a + b, 0)
/** The p-th percentile (0–100), nearest rank: p99 of 20 samples is the largest. */
export const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]

/**
 * Runs every case once per round, in the same order each round, so that the machine's noise
 * (other engineers' builds, say) hits all of them alike. Returns each case's samples (ms).
 */
export async function interleave(rounds, cases) {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (let i = 0; i < rounds; i++) for (const [k, run] of Object.entries(cases)) samples[k].push(await run(i))
  return samples
}

/** The run directory patchbay derives from a state root, exactly as src/config/paths.ts does. */
export const runDirFor = (root) => `/run/patchbay/${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}`

export const netnsPath = (name) => `/run/netns/${name}`

/** `ip netns add/del` for many namespaces in one process. */
function addNetns(names) {
  if (names.length) shSync(['ip', '-batch', '-'], { input: names.map((n) => `netns add ${n}\n`).join('') })
}
function delNetns(names) {
  if (names.length) shSync(['ip', '-force', '-batch', '-'], { input: names.map((n) => `netns del ${n}\n`).join(''), quiet: true })
}

/**
 * Lazily unmounts each path (every mount stacked on it), all in one process through
 * umount2(MNT_DETACH): `umount -l` rereads the whole mount table for each path, which takes
 * minutes once there are 10,000 namespace mounts.
 */
function detachMounts(paths) {
  const script = 'import ctypes, sys\nlibc = ctypes.CDLL(None)\nfor p in sys.stdin.read().split("\\0"):\n    while p and libc.umount2(p.encode(), 2) == 0: pass\n'
  if (paths.length) shSync(['python3', '-c', script], { input: paths.join('\0'), quiet: true })
}

/** Sandboxes and temporary logs not cleaned up yet: the exit cleans them up. */
const live = new Set()
let hooked = false
function hookCleanup() {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const sb of [...live]) sb.cleanup()
  })
  // On a signal, the children get SIGTERM (a benchmark script run by bench/run cleans up its
  // own sandboxes then) and the exit, once they are gone, cleans up the rest.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      stopping = true
      if (running.size === 0) process.exit(130)
      for (const child of running) child.kill('SIGTERM')
      setTimeout(() => process.exit(130), 10_000).unref()
    })
  }
}

let sandboxes = 0
/**
 * A sandbox "host": a network namespace with only loopback up, a state root (a fresh temporary
 * one, or `root` given, which is kept) and a scratch directory for the peers' files. Extra
 * namespaces made with `netns()` (the peers' containers) are deleted with it, and the processes
 * started in it (`start()`, `daemon()`) killed. `cleanup()` runs on exit too, so a failing
 * benchmark leaves nothing behind.
 */
export function sandbox(label, { root } = {}) {
  if (process.getuid?.() !== 0) throw new Error('benchmarks need root (network namespaces): run them with sudo')
  if (!existsSync(BIN) || !existsSync(join(dirname(realpathSync(BIN)), '../dist/run.js'))) throw new Error(`${BIN} is not built: run \`npm run build\` first`)
  hookCleanup()
  const ns = `pbbench-${label}-${process.pid}-${++sandboxes}`
  const scratch = mkdtempSync(join(tmpdir(), 'pbbench-'))
  const state = root ?? join(scratch, 'root')
  const extra = []
  const processes = []
  // A root given by the caller may be in use elsewhere: its run directory is left alone
  // unless this sandbox made it.
  const ownRun = !existsSync(runDirFor(state))
  const inNs = (argv) => ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv]
  const env = { PATCHBAY_ROOT: state }
  const up = () => {
    addNetns([ns])
    shSync(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  }
  // Deleting the sandbox namespace takes its bridges, veths and firewall rules with it;
  // patchbay's container namespaces are mounts in the run directory.
  const wipe = () => {
    // Last started first: a daemon goes before the store it uses.
    for (const p of processes.splice(0).reverse()) p.kill('SIGKILL')
    const run = runDirFor(state)
    if (ownRun) {
      if (existsSync(`${run}/netns`)) detachMounts(readdirSync(`${run}/netns`).map((f) => `${run}/netns/${f}`))
      rmSync(run, { recursive: true, force: true })
    }
    delNetns([ns, ...extra.splice(0)])
  }
  const sb = {
    ns,
    root: state,
    scratch,
    inNs,
    /** argv of `patchbay ...args` in the sandbox (run it with sb.env). */
    pb: (...args) => inNs([BIN, ...args]),
    env,
    /** Runs `patchbay ...args` in the sandbox; resolves with its stdout. */
    ok: (...args) => sh(inNs([BIN, ...args]), { env }),
    /**
     * Namespaces for a peer's containers, deleted with the sandbox; made here unless the
     * caller times making them (`create: false`). Returns their names.
     */
    netns(names, { create = true } = {}) {
      const full = names.map((n) => `${ns}-${n}`)
      extra.push(...full)
      if (create) addNetns(full)
      return full
    },
    /** iproute2 commands in the sandbox's namespace, one process. */
    ip(commands) {
      shSync(['ip', '-n', ns, '-batch', '-'], { input: commands.map((c) => `${c}\n`).join('') })
    },
    /**
     * Starts argv in the sandbox's namespace and leaves it running (SIGKILLed, by its PID, with
     * the sandbox); its output goes to `log`, a file. Returns the child.
     */
    start(argv, { log }) {
      const fd = openSync(log, 'a')
      const [cmd, ...args] = inNs(argv)
      const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] })
      closeSync(fd)
      processes.push(child)
      return child
    },
    /**
     * Starts `patchbay daemon ...args` for this sandbox's root, as a host running the service
     * has it (stopped with the sandbox); resolves once its output matches `ready` (it serves, by
     * default), so starting it is never timed.
     */
    async daemon(args = [], { ready = /serving/ } = {}) {
      const [cmd, ...rest] = inNs([BIN, 'daemon', ...args])
      const child = spawn(cmd, rest, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
      processes.push(child)
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
      await until(20_000, async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`)
        return ready.test(out)
      }).catch((e) => {
        throw new Error(`patchbay daemon ${args.join(' ')}: ${e.message}: ${out.trim()}`)
      })
    },
    /** What a reboot does: every namespace and the run directory are gone; the root stays. */
    reboot() {
      wipe()
      up()
    },
    cleanup() {
      if (!live.delete(sb)) return
      wipe()
      rmSync(scratch, { recursive: true, force: true })
    },
  }
  live.add(sb)
  up()
  return sb
}

/**
 * A long event log written by dist/gen-log.js (the real append path, no kernel work): the one
 * in `dir` when it holds one (its own size wins over `events`), else a new one of `events`
 * events, written into `dir` and kept, or into a temporary root that `cleanup()` (or the
 * exit) removes. Resolves with { root, events, gen (gen-log's summary), cleanup }.
 */
export async function eventLog(events, dir) {
  hookCleanup()
  const root = dir ?? join(mkdtempSync(join(tmpdir(), 'pbbench-log-')), 'root')
  const log = {
    root,
    cleanup() {
      if (live.delete(log) && !dir) rmSync(join(root, '..'), { recursive: true, force: true })
    },
  }
  live.add(log)
  const summary = join(root, 'gen-log.json')
  if (!existsSync(summary)) {
    process.stderr.write(`bench: writing a log of ${events} events into ${root} (dist/gen-log.js) …\n`)
    await sh(['node', join(REPO, 'dist/gen-log.js'), '--root', root, '--events', String(events)])
  }
  log.gen = JSON.parse(readFileSync(summary, 'utf8'))
  log.events = log.gen.head.seq
  return log
}

// ---- Peers ------------------------------------------------------------------------------

/** Where Debian (/usr/lib/podman) and other distributions put netavark. */
const NETAVARK_CANDIDATES = ['/usr/lib/podman/netavark', '/usr/libexec/podman/netavark', '/usr/bin/netavark']
export const CNI_PATH = '/usr/lib/cni'
const netavarkBin = () => NETAVARK_CANDIDATES.find((p) => existsSync(p))

/** Installs netavark and the CNI plugins from Debian when they are missing. */
export async function ensurePeers() {
  const have = () => netavarkBin() && existsSync(`${CNI_PATH}/bridge`)
  if (have()) return
  process.stderr.write('bench: installing the peers (apt-get install netavark containernetworking-plugins)\n')
  const env = { DEBIAN_FRONTEND: 'noninteractive' }
  await sh(['apt-get', 'update', '-qq'], { env })
  await sh(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'netavark', 'containernetworking-plugins'], { env })
  if (!have()) throw new Error('netavark or the CNI bridge plugin is still missing after apt-get install')
}

/** Versions of what was measured, for the results file. */
export function versions() {
  const first = (argv) => {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' })
    return (r.stdout || r.stderr || '').split('\n')[0].trim() || null
  }
  return {
    node: process.version,
    kernel: first(['uname', '-r']),
    netavark: first([netavarkBin(), '--version']),
    cni: first(['dpkg-query', '-W', '-f=${Version}', 'containernetworking-plugins']),
    patchbay: first(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD']),
  }
}

/**
 * One bridge network as the peers see it: the same subnet and gateway patchbay's network
 * has, and the IP patchbay would hand out to the container with that index (lowest free
 * first: .2 for index 0).
 */
export function bridgeNet(name, bridge, prefix) {
  return {
    name,
    bridge,
    subnet: `${prefix}.0/24`,
    gateway: `${prefix}.1`,
    ip: (index) => `${prefix}.${index + 2}`,
  }
}

/**
 * netavark, as podman drives it: `netavark --config DIR setup|teardown NETNS` with the
 * container's networks on stdin. Masquerading and forwarding are set up (a non-internal
 * network, as patchbay's), DNS is off (patchbay runs no DNS server either). It runs in the
 * sandbox's namespace, so its bridge and iptables(-nft) rules land there. `ports(index)`:
 * the container's port_mappings, if any; a net with `subnet6`, `gateway6` and `ip6(index)` is
 * dual-stack.
 */
export function netavark(sb, net, { ports = () => undefined } = {}) {
  const config = join(sb.scratch, 'netavark')
  const id = createHash('sha256').update(net.name).digest('hex')
  const opts = (index) =>
    JSON.stringify({
      container_id: createHash('sha256').update(`${net.name}/${index}`).digest('hex'),
      container_name: `c${index}`,
      port_mappings: ports(index),
      networks: { [net.name]: { static_ips: [net.ip(index), ...(net.ip6 ? [net.ip6(index)] : [])], aliases: [], interface_name: 'eth0' } },
      network_info: {
        [net.name]: {
          name: net.name,
          id,
          driver: 'bridge',
          network_interface: net.bridge,
          subnets: [{ subnet: net.subnet, gateway: net.gateway }, ...(net.subnet6 ? [{ subnet: net.subnet6, gateway: net.gateway6 }] : [])],
          ipv6_enabled: Boolean(net.subnet6),
          internal: false,
          dns_enabled: false,
          ipam_options: { driver: 'host-local' },
        },
      },
    })
  const call = (command, netnsPath, index) => [sb.inNs([netavarkBin(), '--config', config, command, netnsPath]), { input: opts(index), expect: command === 'setup' ? /eth0/ : undefined }]
  return { setup: (netnsPath, index) => call('setup', netnsPath, index), teardown: (netnsPath, index) => call('teardown', netnsPath, index) }
}

/**
 * The CNI bridge plugin with host-local IPAM, as a CNI runtime calls it: the network's JSON
 * on stdin, the request in CNI_* variables. ipMasq on, like netavark and patchbay; the IPAM
 * state lives in the sandbox's scratch directory. Returns argv and options for ADD and DEL.
 */
export function cniBridge(sb, net) {
  const config = JSON.stringify({
    cniVersion: '1.0.0',
    name: net.name,
    type: 'bridge',
    bridge: net.bridge,
    isGateway: true,
    ipMasq: true,
    ipam: { type: 'host-local', subnet: net.subnet, gateway: net.gateway, dataDir: join(sb.scratch, 'cni-ipam') },
  })
  const call = (command, netnsPath, index) => [
    sb.inNs([`${CNI_PATH}/bridge`]),
    {
      input: config,
      env: { CNI_COMMAND: command, CNI_CONTAINERID: `c${index}`, CNI_NETNS: netnsPath, CNI_IFNAME: 'eth0', CNI_PATH },
      expect: command === 'ADD' ? /"address"/ : undefined,
    },
  ]
  return { add: (netnsPath, index) => call('ADD', netnsPath, index), del: (netnsPath, index) => call('DEL', netnsPath, index) }
}

// ---- Options, results, table ---------------------------------------------------------------

/**
 * Parses a benchmark script's options: --smoke (tiny sizes, one or two rounds: checks the
 * script works, measures nothing worth quoting), --quick (smaller sizes), --rounds N,
 * --json FILE (where the result rows go) plus the script's own. `sizes` maps each mode
 * (full, quick, smoke) to the script's defaults.
 */
export function benchOptions(sizes, options = {}) {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean' },
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      json: { type: 'string' },
      ...options,
    },
  })
  const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full'
  const size = { ...sizes[mode] }
  if (values.rounds) size.rounds = Number(values.rounds)
  return { mode, size, values }
}

/**
 * A result row: patchbay's median against a peer's, measured in the same run; each is
 * `{ label, ms }`, ms a list of samples or one number. `max` is the
 * target for the ratio (patchbay / peer); `maxMs` an absolute target for patchbay's median
 * instead (the peer is then context). Neither: a row for information only. patchbay's ms is
 * null when it could not be measured (the note says why). `scale`: the run was smaller than
 * the target's size by this factor; the absolute target is judged on the median × scale
 * (linear extrapolation, which the note must state).
 */
export function row(figure, patchbay, peer, { max, maxMs, scale = 1, note } = {}) {
  const pb = Array.isArray(patchbay.ms) ? median(patchbay.ms) : patchbay.ms
  const pr = peer && (Array.isArray(peer.ms) ? median(peer.ms) : peer.ms)
  const ratio = pb !== null && pr ? pb / pr : null
  const pass = pb === null ? null : max !== undefined ? ratio <= max : maxMs !== undefined ? pb * scale <= maxMs : null
  const target = max !== undefined ? `≤ ${max}` : maxMs !== undefined ? `≤ ${fmtMs(maxMs)}` : ''
  return {
    figure,
    patchbay: { label: patchbay.label, medianMs: pb, samples: patchbay.ms },
    peer: peer ? { label: peer.label, medianMs: pr, samples: peer.ms } : null,
    ratio,
    target,
    extrapolatedMs: scale === 1 ? null : pb * scale,
    pass,
    note: note ?? null,
  }
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—'
  if (ms >= 7_200_000) return `${(ms / 3_600_000).toFixed(1)} h`
  if (ms >= 120_000) return `${(ms / 60_000).toFixed(1)} min`
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`
}

/** The table every script (and bench/run, for all of them) prints: one line a row, notes below. */
export function table(rows) {
  const cells = rows.map((r) => [
    String(r.figure),
    r.patchbay.label,
    fmtMs(r.patchbay.medianMs),
    r.peer ? r.peer.label : '—',
    r.peer ? fmtMs(r.peer.medianMs) : '—',
    r.ratio === null ? '—' : r.ratio.toFixed(2),
    r.target || '—',
    r.pass === null ? '' : r.pass ? 'pass' : 'FAIL',
  ])
  const head = ['#', 'patchbay', 'median', 'peer', 'median', 'ratio', 'target', '']
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c) => c.map((x, i) => (i === 2 || i === 4 || i === 5 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd()
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.figure} ${r.patchbay.label}: ${r.note}`)
  return [line(head), ...cells.map(line), ...(notes.length ? ['notes:', ...notes] : [])].join('\n') + '\n'
}

/** Prints the rows' table and writes them to --json FILE when given. */
export function report(rows, values, header) {
  process.stdout.write(`${header}\n${table(rows)}`)
  if (values.json) writeFileSync(values.json, JSON.stringify(rows))
}
