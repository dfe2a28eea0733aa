/**
 * End-to-end test harness: every test file gets its own sandbox "host" network namespace
 * (only loopback, no route off the machine) and its own temporary state root, and runs the
 * built CLI inside it with `nsenter --net=/run/netns/SANDBOX -- bin/patchbay ...`.
 *
 * Nothing here touches the root network namespace: links, addresses, nftables tables and
 * sysctls are only ever changed through `nsenter --net=<sandbox or container netns>`.
 * `cleanup()` removes everything a sandbox made, also after a failed test, and is
 * registered both in `afterAll` (by the test files) and on process exit (as a fallback).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runDirFor } from '../../src/config/paths.js'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
/** The CLI under test; PATCHBAY_E2E_BIN overrides it (an installed copy, say). */
export const BIN = process.env.PATCHBAY_E2E_BIN ?? join(REPO, 'bin', 'patchbay')

/** Every spawned command gets this timeout unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
export const NOT_ROOT_MESSAGE = 'e2e tests need root (network namespaces, veths, nftables): run `sudo npm test`'

if (!isRoot) {
  // Printed once per e2e file so a skipped run is never mistaken for a green one.
  console.warn(`[e2e] skipped: ${NOT_ROOT_MESSAGE}`)
}

export interface Result {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Milliseconds before the command is killed (SIGKILL). */
  timeout?: number
  /** Extra environment variables. */
  env?: Record<string, string>
  /** Data written to stdin. */
  input?: string
  /** Run the CLI as this uid/gid (dropped with setpriv after entering the sandbox). */
  asUid?: number
  /** Another installed copy of bin/patchbay than the one under test. */
  bin?: string
}

/** What every sandbox has, whichever way its commands run. */
export interface SandboxBase {
  /** Name of the sandbox namespace under /run/netns. */
  ns: string
  /** The patchbay state root (PATCHBAY_ROOT). */
  root: string
  /** The run directory patchbay derives from `root`. */
  runDir: string
  /** Registers an extra clean-up step (run before the sandbox itself is removed). */
  defer(fn: () => void): void
  /** Removes everything the sandbox made. Safe to call more than once. */
  cleanup(): void
  /**
   * What a reboot does to patchbay: every namespace (the sandbox's and the containers') and
   * the run directory are gone; the state root survives. Leaves an empty sandbox of the same name.
   */
  reboot(): void
}

/** Commands in the sandbox; R is `Result` (blocking) or `Promise<Result>`, S likewise for strings. */
interface Commands<R, S> {
  /** `patchbay ...args` inside the sandbox. */
  run(args: string[], opts?: RunOptions): R
  /** Like run, asserts exit code 0 and returns stdout. */
  ok(args: string[], opts?: RunOptions): S
  /** Like run, asserts a non-zero exit code and returns stderr. */
  fail(args: string[], opts?: RunOptions): S
  /** `patchbay exec CONTAINER -- ...argv` */
  exec(container: string, argv: string[], opts?: RunOptions): R
  /** A shell command in the sandbox network namespace (not through patchbay). */
  sh(script: string, opts?: RunOptions): R
  /** Like sh, asserts exit code 0 and returns stdout. */
  shOk(script: string, opts?: RunOptions): S
}

/** Blocking commands: simple, for short files. */
export interface Sandbox extends SandboxBase, Commands<Result, string> {}

/**
 * Non-blocking commands, for files that spawn the CLI hundreds of times: the test runner
 * talks to its workers over the event loop, and long synchronous stretches make that RPC
 * time out (and test timeouts cannot fire).
 */
export interface AsyncSandbox extends SandboxBase, Commands<Promise<Result>, Promise<string>> {}

function toResult(r: ReturnType<typeof spawnSync>, what: string): Result {
  const stdout = r.stdout?.toString() ?? ''
  let stderr = r.stderr?.toString() ?? ''
  let code = r.status ?? -1
  if (r.error) {
    stderr += `\n[harness] ${what}: ${r.error.message}`
    code = code === 0 ? -1 : code
  } else if (r.signal) {
    stderr += `\n[harness] ${what}: killed by ${r.signal} (timeout?)`
  }
  return { code, stdout, stderr }
}

/** Runs a command directly (no sandbox), for harness plumbing. */
export function hostCmd(argv: string[], opts: RunOptions = {}): Result {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    timeout: opts.timeout ?? DEFAULT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    input: opts.input,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  })
  return toResult(r, argv.join(' '))
}

/**
 * Runs a command without blocking the event loop (the test runner talks to its workers over
 * it; long synchronous stretches make its RPC time out), killing it after the timeout.
 */
export function cmd(argv: string[], opts: RunOptions = {}): Promise<Result> {
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeout)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ code: -1, stdout, stderr: `${stderr}\n[harness] ${argv.join(' ')}: ${e.message}` })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (timedOut) stderr += `\n[harness] ${argv.join(' ')}: killed after ${timeout} ms`
      else if (signal) stderr += `\n[harness] ${argv.join(' ')}: killed by ${signal}`
      resolve({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input ?? '')
  })
}

const live = new Set<SandboxBase>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Last resort when afterAll never ran (worker killed by a timeout, etc.).
  process.on('exit', () => {
    for (const sb of [...live]) sb.cleanup()
  })
}

export function randomHex(bytes = 4): string {
  return randomBytes(bytes).toString('hex')
}

/** Unmounts (lazily) and deletes every namespace mount under `dir`. */
function removeNetnsMounts(dir: string): void {
  if (!existsSync(dir)) return
  let entries: string[] = []
  try {
    entries = readdirSync(dir)
  } catch {
    return
  }
  for (const name of entries) {
    const p = join(dir, name)
    // A file may be mounted more than once; unmount until it is no longer a mount point.
    for (let i = 0; i < 4; i++) {
      const r = hostCmd(['umount', '-l', p], { timeout: 10_000 })
      if (r.code !== 0) break
    }
    rmSync(p, { force: true, recursive: true })
  }
}

/** Makes the namespace and the root; the caller adds the command facade. */
function makeBase(label: string): SandboxBase & { nsPath: string } {
  if (!isRoot) throw new Error(NOT_ROOT_MESSAGE)
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} does not exist: run \`npm run build\` first`)
  }
  installExitHook()
  const safeLabel = label.replace(/[^a-z0-9]/gi, '').slice(0, 12) || 'sb'
  const ns = `pbt-${safeLabel}-${randomHex(4)}`
  const nsPath = `/run/netns/${ns}`
  addNamespace(ns)

  const root = mkdtempSync(join(tmpdir(), 'pbt-'))
  const runDir = runDirFor(root)
  const deferred: Array<() => void> = []
  let cleaned = false

  const base = {
    ns,
    nsPath,
    root,
    runDir,
    defer(fn: () => void) {
      deferred.push(fn)
    },
    cleanup() {
      if (cleaned) return
      cleaned = true
      live.delete(base)
      for (const fn of deferred.reverse()) {
        try {
          fn()
        } catch (e) {
          console.warn(`[e2e] deferred clean-up step failed: ${(e as Error).message}`)
        }
      }
      wipeKernel()
      rmSync(root, { recursive: true, force: true })
    },
    reboot() {
      wipeKernel()
      addNamespace(ns)
    },
  }
  // Deleting the sandbox namespace takes its bridges, veths and nftables with it.
  function wipeKernel(): void {
    removeNetnsMounts(join(runDir, 'netns'))
    rmSync(runDir, { recursive: true, force: true })
    hostCmd(['ip', 'netns', 'del', ns], { timeout: 10_000 })
  }
  live.add(base)
  return base
}

/** A sandbox namespace: only loopback, up; nothing routes off the machine. */
function addNamespace(ns: string): void {
  const add = hostCmd(['ip', 'netns', 'add', ns])
  if (add.code !== 0) throw new Error(`ip netns add ${ns} failed: ${add.stderr}`)
  const lo = hostCmd(['nsenter', `--net=/run/netns/${ns}`, '--', 'ip', 'link', 'set', 'lo', 'up'])
  if (lo.code !== 0) {
    hostCmd(['ip', 'netns', 'del', ns])
    throw new Error(`could not bring up lo in ${ns}: ${lo.stderr}`)
  }
}

/** argv for `patchbay ...args` in the sandbox, and the options to run it with. */
function cliArgv(base: { nsPath: string; root: string }, args: string[], opts: RunOptions = {}): [string[], RunOptions] {
  const drop =
    opts.asUid === undefined ? [] : ['setpriv', `--reuid=${opts.asUid}`, `--regid=${opts.asUid}`, '--clear-groups', '--']
  return [
    ['nsenter', `--net=${base.nsPath}`, '--', ...drop, opts.bin ?? BIN, ...args],
    { ...opts, env: { PATCHBAY_ROOT: base.root, ...opts.env } },
  ]
}

function expectOk(what: string, r: Result): string {
  expect(r.code, `${what}\n  exit ${r.code}\n  stdout: ${r.stdout.trimEnd()}\n  stderr: ${r.stderr.trimEnd()}`).toBe(0)
  return r.stdout
}

function expectFail(what: string, r: Result): string {
  expect(r.code, `${what}\n  exit ${r.code}\n  stdout: ${r.stdout.trimEnd()}\n  stderr: ${r.stderr.trimEnd()}`).not.toBe(0)
  return r.stderr
}

/** A sandbox whose commands block (spawnSync). */
export function createSandbox(label: string): Sandbox {
  const base = makeBase(label)
  const sb: Sandbox = {
    ...base,
    run: (args, opts) => hostCmd(...cliArgv(base, args, opts)),
    ok: (args, opts) => expectOk(`patchbay ${args.join(' ')}`, sb.run(args, opts)),
    fail: (args, opts) => expectFail(`patchbay ${args.join(' ')}`, sb.run(args, opts)),
    exec: (container, argv, opts) => sb.run(['exec', container, '--', ...argv], opts),
    sh: (script, opts) => hostCmd(['nsenter', `--net=${base.nsPath}`, '--', 'sh', '-c', script], opts),
    shOk: (script, opts) => expectOk(`sh -c ${script}`, sb.sh(script, opts)),
  }
  return sb
}

/** A sandbox whose commands return promises (spawn). */
export function createAsyncSandbox(label: string): AsyncSandbox {
  const base = makeBase(label)
  const sb: AsyncSandbox = {
    ...base,
    run: (args, opts) => cmd(...cliArgv(base, args, opts)),
    ok: async (args, opts) => expectOk(`patchbay ${args.join(' ')}`, await sb.run(args, opts)),
    fail: async (args, opts) => expectFail(`patchbay ${args.join(' ')}`, await sb.run(args, opts)),
    exec: (container, argv, opts) => sb.run(['exec', container, '--', ...argv], opts),
    sh: (script, opts) => cmd(['nsenter', `--net=${base.nsPath}`, '--', 'sh', '-c', script], opts),
    shOk: async (script, opts) => expectOk(`sh -c ${script}`, await sb.sh(script, opts)),
  }
  return sb
}

/**
 * Starts `patchbay ...args` in the sandbox without waiting for it to end (a follower, say).
 * Clean-up kills it if the test did not stop it.
 */
export function startCli(sb: SandboxBase, args: string[], opts: RunOptions = {}): ChildProcessWithoutNullStreams {
  const [argv, o] = cliArgv({ nsPath: `/run/netns/${sb.ns}`, root: sb.root }, args, opts)
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] })
  sb.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return child
}

/**
 * Masks random IDs (12 or 64 hex digits) by the order they first appear in, so that two
 * sandboxes' outputs compare equal; one masker per sandbox. (Under vitest, NODE_ENV=test makes
 * oclif warn about a parse error, naming its pid.)
 */
export function idMasker(): (text: string) => string {
  const seen = new Map<string, string>()
  const mask = (id: string) => seen.get(id.slice(0, 12)) ?? seen.set(id.slice(0, 12), `ID${seen.size}`).get(id.slice(0, 12))!
  return (text) => text.replace(/\(node:\d+\)/g, '(node)').replace(/\b[0-9a-f]{12}(?:[0-9a-f]{52})?\b/g, mask)
}

/**
 * `ping -c 1 -W 1 TARGET` from inside CONTAINER (through `patchbay exec`).
 * When a reply is expected, a couple of retries absorb the first ARP round trip.
 */
export async function ping(sb: AsyncSandbox, container: string, target: string, expectOk: boolean): Promise<Result> {
  const argv = ['ping', '-n', '-c', '1', '-W', '1', target]
  let r = await sb.exec(container, argv)
  if (expectOk) {
    for (let i = 0; i < 2 && r.code !== 0; i++) r = await sb.exec(container, argv)
    expect(r.code, `ping ${target} from ${container} should succeed\n${r.stdout}${r.stderr}`).toBe(0)
    expect(r.stdout).toMatch(/1 received/)
  } else {
    // The ping must have run and failed for a network reason (no reply, no route, no such
    // name): a broken `exec` ("Error: ...") must not pass for isolation.
    const ctx = `ping ${target} from ${container} should fail\n${r.stdout}${r.stderr}`
    expect(r.code, ctx).not.toBe(0)
    expect(r.stdout, ctx).not.toMatch(/bytes from/)
    const noReply = /\b1 packets transmitted, 0 received/.test(r.stdout)
    const noRouteOrName =
      /^ping: .*(Network is unreachable|No route to host|Name or service not known|Temporary failure in name resolution|No address associated)/m.test(
        r.stderr,
      )
    expect(noReply || noRouteOrName, ctx).toBe(true)
  }
  return r
}

/** Starts `unshare --net sleep 600` detached; returns its pid (unshare execs sleep in place). */
export function startNetnsHolder(sb: SandboxBase): number {
  const child = spawn('unshare', ['--net', 'sleep', '600'], { detached: true, stdio: 'ignore' })
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start unshare --net sleep 600')
  sb.defer(() => {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
  })
  return pid
}

/** `MAC` Docker derives from an IPv4 address: 02:42 + the four bytes. */
export function macFor(ip: string): string {
  return ['02', '42', ...ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':')
}

/** Parses `events --format json` (one object per line). */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** Splits a whitespace-aligned table (`network ls`, `container ls`) into rows of cells. */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => l.trim().split(/\s{2,}|\t+/))
}

/** Link names in `ip -o link` output (without the @peer suffix). */
export function linkNames(ipOLink: string): string[] {
  return ipOLink
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => l.split(':')[1]!.trim().replace(/@.*$/, ''))
}
