/**
 * Multi-host test harness: N "host" namespaces (pbc-<4 hex>-h1..hN), each with one veth to a
 * bridge in an "underlay" namespace (pbc-<4 hex>-u), addresses 10.99.X.1..N/24, lo up, no
 * default route anywhere; a real consul agent and/or etcd inside host 1, bound to host 1's
 * underlay address only. Nothing touches the root namespace.
 *
 * `cleanup()` kills every process it started (by PID) and deletes every namespace; test files
 * call it in afterAll, and a process exit hook calls it when afterAll never ran.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeServer } from '../../../scripts/cluster-stores.mjs'
import { cmd, hostCmd, isRoot, NOT_ROOT_MESSAGE, randomHex, type Result, type RunOptions } from '../sandbox.js'

export interface Host {
  /** h1, h2, ... */
  name: string
  /** The namespace under /run/netns. */
  ns: string
  nsPath: string
  /** This host's underlay address (10.99.X.K), on its link `ul0`. */
  address: string
  /** A shell command inside this host's namespace. */
  sh(script: string, opts?: RunOptions): Promise<Result>
  /** Like sh, throws unless it exits 0; returns stdout. */
  shOk(script: string, opts?: RunOptions): Promise<string>
  /** Starts argv inside this host's namespace and leaves it running; cleanup kills it. */
  start(argv: string[], stdio?: 'pipe' | { log: string }): ChildProcess
}

/** A consul agent or etcd running in host 1. */
export interface StoreServer {
  kind: 'consul' | 'etcd'
  /** What --cluster-store takes: consul://10.99.X.1:8500, etcd://10.99.X.1:2379. */
  url: string
  host: Host
  pid: number
  /** From spawning it to its first answered write. */
  startupMs: number
  /** SIGSTOP: the kernel still accepts connections, the store answers nothing. */
  freeze(): void
  /** SIGCONT. */
  thaw(): void
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>
  /** Its output so far, for failure messages. */
  log(): string
}

export interface Underlay {
  /** The 4 hex digits in every name. */
  id: string
  hosts: Host[]
  underlayNs: string
  /** Scratch directory (store data, logs), removed by cleanup. */
  tmp: string
  /** A consul agent in host 1 with an empty store (a restart after stop() loses the data). */
  startConsul(): Promise<StoreServer>
  /** etcd in host 1 with an empty store. */
  startEtcd(): Promise<StoreServer>
  /** An extra clean-up step, run before the processes are killed. */
  defer(fn: () => void): void
  /** Kills every process it started, deletes every namespace and the scratch directory. Idempotent. */
  cleanup(): void
}

const live = new Set<Underlay>()
let exitHookInstalled = false

export function createUnderlay(hostCount: number): Underlay {
  if (!isRoot) throw new Error(NOT_ROOT_MESSAGE)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const u of [...live]) u.cleanup()
    })
  }
  const id = randomHex(2)
  const subnet = `10.99.${parseInt(id.slice(0, 2), 16)}`
  const underlayNs = `pbc-${id}-u`
  const tmp = mkdtempSync(join(tmpdir(), `pbc-${id}-`))
  const processes = new Set<ChildProcess>()
  const namespaces: string[] = []
  const deferred: Array<() => void> = []
  let cleaned = false

  const underlay: Underlay = {
    id,
    hosts: [],
    underlayNs,
    tmp,
    startConsul: () => startStore(underlay, 'consul'),
    startEtcd: () => startStore(underlay, 'etcd'),
    defer: (fn) => deferred.push(fn),
    cleanup() {
      if (cleaned) return
      cleaned = true
      live.delete(underlay)
      for (const fn of deferred.reverse()) {
        try {
          fn()
        } catch (e) {
          console.warn(`[e2e] deferred clean-up step failed: ${(e as Error).message}`)
        }
      }
      for (const p of processes) killPid(p.pid, 'SIGKILL')
      for (const ns of namespaces) hostCmd(['ip', 'netns', 'del', ns], { timeout: 10_000 })
      rmSync(tmp, { recursive: true, force: true })
    },
  }
  live.add(underlay)

  try {
    addNamespace(underlayNs, namespaces)
    batch(underlayNs, ['link add br0 type bridge', 'link set br0 up'])
    for (let k = 1; k <= hostCount; k++) {
      const name = `h${k}`
      const ns = `pbc-${id}-${name}`
      const address = `${subnet}.${k}`
      addNamespace(ns, namespaces)
      // The veth is made in the host and its peer moved into the underlay in one step.
      batch(ns, [`link add ul0 type veth peer name ${name} netns ${underlayNs}`, `addr add ${address}/24 dev ul0`, 'link set ul0 up'])
      batch(underlayNs, [`link set ${name} master br0`, `link set ${name} up`])
      const nsPath = `/run/netns/${ns}`
      const host: Host = {
        name,
        ns,
        nsPath,
        address,
        sh: (script, opts) => cmd(['nsenter', `--net=${nsPath}`, '--', 'sh', '-c', script], opts),
        async shOk(script, opts) {
          const r = await host.sh(script, opts)
          if (r.code !== 0) throw new Error(`in ${name}: sh -c ${script}\n  exit ${r.code}\n  ${r.stderr.trimEnd()}`)
          return r.stdout
        },
        start(argv, stdio = 'pipe') {
          // nsenter execs the command in place: the child's pid is the command's own.
          const log = typeof stdio === 'object' ? openSync(stdio.log, 'a') : undefined
          const child = spawn('nsenter', [`--net=${nsPath}`, '--', ...argv], {
            stdio: log === undefined ? 'pipe' : ['ignore', log, log],
          })
          if (log !== undefined) closeSync(log)
          processes.add(child)
          child.on('exit', () => processes.delete(child))
          return child
        },
      }
      underlay.hosts.push(host)
    }
  } catch (err) {
    underlay.cleanup()
    throw err
  }
  return underlay
}

function addNamespace(ns: string, namespaces: string[]): void {
  const add = hostCmd(['ip', 'netns', 'add', ns])
  if (add.code !== 0) throw new Error(`ip netns add ${ns} failed: ${add.stderr}`)
  namespaces.push(ns)
  batch(ns, ['link set lo up'])
}

/** iproute2 commands in one namespace, one spawn. */
function batch(ns: string, commands: string[]): void {
  const r = hostCmd(['ip', '-n', ns, '-batch', '-'], { input: `${commands.join('\n')}\n` })
  if (r.code !== 0) throw new Error(`ip -n ${ns} -batch failed: ${r.stderr.trim()}\n  ${commands.join('\n  ')}`)
}

/**
 * SIGSTOP takes effect thread by thread, after kill() returns: wait until every thread of the
 * process is stopped, so that a call made next cannot be answered by one still running.
 */
function waitStopped(pid: number, what: string): void {
  const deadline = Date.now() + 2000
  const states = () => readdirSync(`/proc/${pid}/task`).map((t) => readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1]![0])
  while (!states().every((s) => s === 'T' || s === 't')) {
    if (Date.now() > deadline) throw new Error(`${what} (pid ${pid}) is not stopped 2 s after SIGSTOP: thread states ${states().join('')}`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
  }
}

function killPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(pid, signal)
  } catch {
    /* already gone */
  }
}

async function startStore(u: Underlay, kind: 'consul' | 'etcd'): Promise<StoreServer> {
  const h1 = u.hosts[0]!
  const { url, argv, ready } = storeServer(kind, { address: h1.address, name: h1.name, dataDir: join(u.tmp, kind) })
  return startServer(u, kind, url, argv, ready)
}

async function startServer(u: Underlay, kind: 'consul' | 'etcd', url: string, argv: string[], ready: string[]): Promise<StoreServer> {
  const host = u.hosts[0]!
  rmSync(join(u.tmp, kind), { recursive: true, force: true }) // the data directory
  const logFile = join(u.tmp, `${kind}.log`)
  const started = performance.now()
  const child = host.start(argv, { log: logFile })
  const pid = child.pid!
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let startupMs: number | undefined
  while (performance.now() - started < 30_000) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${kind} exited at start:\n${log()}`)
    const r = await cmd(['nsenter', `--net=${host.nsPath}`, '--', ...ready], { timeout: 5_000 })
    if (r.code === 0) {
      startupMs = performance.now() - started
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (startupMs === undefined) throw new Error(`${kind} did not answer within 30 s:\n${log()}`)
  return {
    kind,
    url,
    host,
    pid,
    startupMs,
    freeze() {
      process.kill(pid, 'SIGSTOP')
      waitStopped(pid, kind)
    },
    thaw: () => process.kill(pid, 'SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      killPid(pid, 'SIGCONT')
      killPid(pid, 'SIGTERM')
      const timer = setTimeout(() => killPid(pid, 'SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
    log,
  }
}
