/**
 * Crash injection: runs a mutation with PATCHBAY_TEST_CRASH_AT=N for N = 1, 2, ... (the CLI
 * kills itself with SIGKILL before its Nth change to the kernel or the log) until it runs to
 * completion, and after each crash checks that `restore` converges the kernel to the log.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import { linkGroupFor } from '../../src/config/paths.js'
import { type AsyncSandbox, createAsyncSandbox, ping } from './sandbox.js'

export interface CrashScenario {
  /** The mutation under test, for iteration i (names differ per iteration). */
  op(i: number): string[]
  /** Uncrashed commands that set up iteration i. */
  before?(i: number): Promise<void>
  /** Puts things back so the next iteration starts from the same state (same step count). */
  after?(i: number): Promise<void>
  /** A container that must reach `anchor` by name whenever it exists after restore. */
  pingFrom?(i: number): string
}

/** What the tables say must exist in the kernel. */
function expected(root: string) {
  const db = new Database(join(root, 'patchbay.db'), { readonly: true })
  try {
    const bridges = db.prepare("SELECT bridge FROM networks WHERE driver = 'bridge'").pluck().all() as string[]
    const veths = db.prepare('SELECT host_ifname FROM endpoints WHERE host_ifname IS NOT NULL').pluck().all() as string[]
    const netns = db.prepare("SELECT id FROM containers WHERE netns_kind = 'own'").pluck().all() as string[]
    const names = db.prepare('SELECT name FROM containers').pluck().all() as string[]
    return { links: [...bridges, ...veths].sort(), netns: netns.sort(), containers: names }
  } finally {
    db.close()
  }
}

/** After restore: our links and namespaces are exactly the tables', `audit verify` passes, a second restore has nothing to do. */
export async function expectConverged(sb: AsyncSandbox, what: string): Promise<string[]> {
  const want = expected(sb.root)
  const group = String(linkGroupFor(sb.root))
  const links = JSON.parse(await sb.shOk('ip -d -j link show')) as { ifname: string; group: string }[]
  expect(links.filter((l) => l.group === group).map((l) => l.ifname).sort(), `${what}: links stamped as patchbay's`).toEqual(want.links)
  const netnsDir = join(sb.runDir, 'netns')
  const files = existsSync(netnsDir) ? readdirSync(netnsDir).sort() : []
  expect(files, `${what}: namespace files`).toEqual(want.netns)
  expect(await sb.ok(['audit', 'verify']), `${what}: audit verify`).toMatch(/^ok: /)
  expect(await sb.ok(['restore']), `${what}: second restore`).toMatch(/^restore: nothing to do/)
  return want.containers
}

/** Crashes `scenario.op` at every step in turn; returns how many steps the mutation has. */
export async function crashAtEveryStep(sb: AsyncSandbox, label: string, scenario: CrashScenario, anchor: string): Promise<number> {
  for (let n = 1; n <= 60; n++) {
    await scenario.before?.(n)
    const argv = scenario.op(n)
    const r = await sb.run(argv, { env: { PATCHBAY_TEST_CRASH_AT: String(n) } })
    const what = `${label}: crash before step ${n} of patchbay ${argv.join(' ')}`
    if (r.code === 0) {
      await scenario.after?.(n)
      console.log(`${label}: ${n - 1} steps, each crashed and restored`)
      return n - 1
    }
    expect(r.stderr, `${what}: should have been killed, not failed`).toMatch(/killed by SIGKILL/)
    const restored = await sb.run(['restore'])
    expect(restored.code, `${what}: restore\n${restored.stdout}${restored.stderr}`).toBe(0)
    const containers = await expectConverged(sb, what)
    const from = scenario.pingFrom?.(n)
    if (from && containers.includes(from)) await ping(sb, from, anchor, true)
    await scenario.after?.(n)
  }
  throw new Error(`${label}: still crashing after 60 steps`)
}

/** A sandbox with a network `shared` and a container `anchor` on it, for crash scenarios to reach. */
export async function crashSandbox(label: string): Promise<AsyncSandbox> {
  const sb = createAsyncSandbox(label)
  await sb.ok(['network', 'create', 'shared'])
  await sb.ok(['run', '--name', 'anchor', '--net', 'shared'])
  return sb
}

/**
 * Clean-up after a crash: removes the container (or network) named exactly `name`, if the
 * crash left one. Looked up by name first: `rm a4` on a name that does not exist would, as in
 * docker, remove whatever has an ID starting with "a4" (the scenario's anchor, one time in
 * sixteen).
 */
export async function removeIfPresent(sb: AsyncSandbox, kind: 'container' | 'network', name: string): Promise<void> {
  const names = await sb.ok(kind === 'container' ? ['container', 'ls', '--format', '{{.Names}}'] : ['network', 'ls', '--format', '{{.Name}}'])
  if (names.split('\n').includes(name)) await sb.ok(kind === 'container' ? ['rm', name] : ['network', 'rm', name])
}
