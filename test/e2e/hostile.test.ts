/**
 * What a hostile probe of patchbay found, each as the attack it was: adopting the host's own
 * namespace or another container's, injecting lines into hosts files through an alias, and
 * subnets the kernel treats specially. Each is refused with one line and changes nothing.
 */
import { spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, NOT_ROOT_MESSAGE, type AsyncSandbox, cmd, createAsyncSandbox, isRoot } from './sandbox.js'
import { rejected } from './unchanged.js'
import { runDirFor } from '../../src/config/paths.js'

describe.skipIf(!isRoot)(`hostile input ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  /** A root of its own beside the sandbox's, removed with it, and its run directory too. */
  const scratchRoot = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    sb.defer(() => {
      rmSync(dir, { recursive: true, force: true })
      rmSync(runDirFor(dir), { recursive: true, force: true })
    })
    return dir
  }
  let c2Id = ''

  beforeAll(async () => {
    sb = createAsyncSandbox('hostile')
    await sb.ok(['network', 'create', '--subnet', '10.1.0.0/24', 'nw1'])
    await sb.ok(['run', '--name', 'c1', '--net', 'nw1'])
    c2Id = (await sb.ok(['run', '--name', 'c2', '--net', 'nw1'])).trim()
  })
  afterAll(() => {
    sb?.cleanup()
  })

  /** A process living in the sandbox namespace (patchbay's host), for --pid. */
  const hostProcess = (): number => {
    const child = spawn('nsenter', [`--net=/run/netns/${sb.ns}`, '--', 'sleep', '600'], { detached: true, stdio: 'ignore' })
    child.unref()
    sb.defer(() => {
      try {
        process.kill(child.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
    })
    return child.pid!
  }

  describe('the host namespace is never adopted', () => {
    it('--netns naming the namespace patchbay runs in', async () => {
      await rejected(sb, ['run', '--name', 'x', '--netns', `/run/netns/${sb.ns}`], /namespace patchbay runs in/)
      await rejected(sb, ['run', '--name', 'x', '--net', 'none', '--netns', `/run/netns/${sb.ns}`], /namespace patchbay runs in/)
    })

    it('--netns through /proc, another path to the same namespace', async () => {
      await rejected(sb, ['run', '--name', 'x', '--netns', '/proc/self/ns/net'], /namespace patchbay runs in/)
    })

    it('--pid of a process in the host namespace', async () => {
      await rejected(sb, ['run', '--name', 'x', '--pid', String(hostProcess())], /namespace patchbay runs in/)
    })

    it("--pid of a process in the machine's own namespace", async () => {
      // This test runner runs in the machine's namespace, outside the sandbox.
      await rejected(sb, ['run', '--name', 'x', '--pid', String(process.pid)], /machine's own network namespace/)
      await rejected(sb, ['container', 'create', '--name', 'x', '--netns', `/proc/${process.pid}/ns/net`], /machine's own network namespace/)
      await rejected(sb, ['run', '--name', 'x', '--pid', '1'], /machine's own network namespace|cannot read the network namespace/)
    })
  })

  describe("another container's namespace is never adopted", () => {
    it('--netns naming the namespace patchbay made for c2', async () => {
      const path = join(sb.runDir, 'netns', c2Id)
      expect(readdirSync(join(sb.runDir, 'netns'))).toContain(c2Id)
      await rejected(sb, ['run', '--name', 'shadow', '--net', 'none', '--netns', path], /already belongs to container c2/)
      await rejected(sb, ['run', '--name', 'shadow', '--netns', path], /already belongs to container c2/)
    })
  })

  describe('aliases are DNS names, nothing else', () => {
    const bad = ['zz\n6.6.6.6 c1', 'x y', '', 'a'.repeat(3000), 'tab\there', 'a..b', '-lead', `${'a'.repeat(64)}.x`, 'x#y']
    for (const alias of bad) {
      const label = JSON.stringify(alias.length > 20 ? `${alias.slice(0, 20)}…` : alias)
      it(`run --alias ${label}`, async () => {
        await rejected(sb, ['run', '--name', 'x', '--net', 'nw1', '--alias', alias], /invalid alias/)
      })
      it(`network connect --alias ${label}`, async () => {
        await rejected(sb, ['network', 'connect', '--alias', alias, 'bridge', 'c1'], /invalid alias/)
      })
    }

    it('container create and apply refuse them too', async () => {
      await rejected(sb, ['container', 'create', '--name', 'x', '--net', 'nw1', '--network-alias', 'zz\n6.6.6.6 c1'], /invalid alias/)
      await rejected(sb, ['apply'], /line 1: .*invalid alias/, { input: "run --name x --net nw1 --alias 'x y'\n" })
    })

    it('c1 still resolves to its own address in its peers', async () => {
      const r = await sb.exec('c2', ['getent', 'hosts', 'c1'])
      expect(r.stdout.trim()).toBe('10.1.0.2        c1')
    })

    it('a valid alias with dots, digits, - and _ is accepted', async () => {
      await sb.ok(['network', 'connect', '--alias', 'db-1.svc_a', 'bridge', 'c1'])
      expect((await sb.exec('c1', ['getent', 'hosts', 'db-1.svc_a'])).code).toBe(0)
    })
  })

  describe('reserved ranges are not subnets', () => {
    for (const subnet of ['127.0.0.0/8', '127.1.0.0/16', '224.0.0.0/24', '240.0.0.0/24', '255.255.255.0/24', '169.254.0.0/16', '0.0.0.0/8', '0.0.0.0/0']) {
      it(`--subnet ${subnet}`, async () => {
        await rejected(sb, ['network', 'create', '--subnet', subnet, 'reserved'], new RegExp(`invalid --subnet ${subnet.replace(/\./g, '\\.')}: it overlaps`))
      })
    }
  })

  describe('state only where no other user can change it', () => {
    let scratch = ''
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'pbt-trust-'))
      sb.defer(() => rmSync(scratch, { recursive: true, force: true }))
    })

    /** `network ls` on root `dir` must fail with one line naming why; nothing may appear in it. */
    const refusedRoot = async (dir: string, why: RegExp): Promise<void> => {
      const before = readdirSync(dir).sort()
      const r = await sb.run(['network', 'ls'], { env: { PATCHBAY_ROOT: dir } })
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(new RegExp(`^Error: cannot keep patchbay state in ${dir}: `))
      expect(r.stderr).toMatch(why)
      expect(readdirSync(dir).sort()).toEqual(before)
    }

    it('a directory writable by everyone', async () => {
      const dir = join(scratch, 'open')
      mkdirSync(dir)
      chmodSync(dir, 0o777)
      await refusedRoot(dir, /writable by other users \(mode 0777/)
    })

    it("a directory of another user's", async () => {
      const dir = join(scratch, 'theirs')
      mkdirSync(dir, { mode: 0o700 })
      chownSync(dir, 65534, 65534)
      await refusedRoot(dir, /belongs to uid 65534/)
    })

    it("a directory inside another user's", async () => {
      const home = join(scratch, 'home')
      mkdirSync(join(home, 'state'), { recursive: true, mode: 0o700 })
      chownSync(home, 65534, 65534)
      await refusedRoot(join(home, 'state'), /home, above it, belongs to uid 65534/)
    })

    it('a symbolic link to a directory', async () => {
      const real = join(scratch, 'real')
      mkdirSync(real, { mode: 0o700 })
      symlinkSync(real, join(scratch, 'link'))
      await refusedRoot(join(scratch, 'link'), /is a symbolic link/)
    })

    it('a state file that is a symbolic link is never followed', async () => {
      const dir = join(scratch, 'dblink')
      mkdirSync(dir, { mode: 0o700 })
      const victim = join(scratch, 'victim')
      writeFileSync(victim, 'precious\n')
      symlinkSync(victim, join(dir, 'patchbay.db'))
      await refusedRoot(dir, /patchbay\.db in it is a symbolic link/)
      expect(readFileSync(victim, 'utf8')).toBe('precious\n')
    })
  })

  describe('private files', () => {
    it('the run directory and the database are owner-only', () => {
      expect(statSync(sb.runDir).mode & 0o777).toBe(0o700)
      expect(statSync(join(sb.root, 'patchbay.db')).mode & 0o777).toBe(0o600)
    })

    it('other users cannot read hosts files, but a container user reads its /etc/hosts', async () => {
      const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']
      const hosts = join(sb.runDir, 'hosts', c2Id)
      const outside = await cmd([...asNobody, 'cat', hosts])
      expect(outside.code).not.toBe(0)
      expect(outside.stderr).toMatch(/Permission denied/)
      const inside = await sb.exec('c2', [...asNobody, 'cat', '/etc/hosts'])
      expect(inside.code, inside.stderr).toBe(0)
      expect(inside.stdout).toMatch(/^10\.1\.0\.2\tc1$/m)
    })
  })

  describe('a tampered log', () => {
    const sqlite = async (root: string, sql: string): Promise<string> => {
      const r = await cmd(['sqlite3', join(root, 'patchbay.db'), sql])
      expect(r.code, r.stderr).toBe(0)
      return r.stdout.trim()
    }
    /** A copy of this sandbox's state in a root of its own, to tamper with. */
    const copyState = async (): Promise<string> => {
      const dir = scratchRoot('pbt-forged-')
      const r = await cmd(['sqlite3', join(sb.root, 'patchbay.db'), `.backup '${join(dir, 'patchbay.db')}'`])
      expect(r.code, r.stderr).toBe(0)
      return dir
    }

    it('admin rebuild refuses a log whose payload was edited, and shows nothing forged', async () => {
      const root = await copyState()
      const seq = Number(await sqlite(root, "SELECT min(seq) FROM events WHERE type = 'NetworkCreated' AND json_extract(payload, '$.name') = 'nw1'"))
      await sqlite(root, `UPDATE events SET payload = replace(payload, '"nw1"', '"forged"') WHERE seq = ${seq}`)
      const r = await sb.run(['admin', 'rebuild'], { env: { PATCHBAY_ROOT: root } })
      expect(r.code).toBe(1)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr.trimEnd()).toMatch(new RegExp(`^Error: the event log's hash chain is broken at seq ${seq} \\(changed: .*--allow-broken-chain$`))
      const names = await sb.ok(['network', 'ls', '--format', '{{.Name}}'], { env: { PATCHBAY_ROOT: root } })
      expect(names.split('\n')).not.toContain('forged')
      // Deliberately: the override replays the edited history as it is.
      await sb.ok(['admin', 'rebuild', '--allow-broken-chain'], { env: { PATCHBAY_ROOT: root } })
      expect((await sb.ok(['network', 'ls', '--format', '{{.Name}}'], { env: { PATCHBAY_ROOT: root } })).split('\n')).toContain('forged')
    })

    it('a change warns on stderr when the newest event was edited, and still happens', async () => {
      const root = await copyState()
      await sqlite(root, "UPDATE events SET host = 'elsewhere' WHERE seq = (SELECT max(seq) FROM events)")
      const head = Number(await sqlite(root, 'SELECT max(seq) FROM events'))
      const r = await sb.run(['network', 'create', '--subnet', '10.77.0.0/24', 'after-edit'], { env: { PATCHBAY_ROOT: root } })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe(`Warning: the event log was changed outside patchbay: the newest event (seq ${head}) no longer matches its hash; run patchbay audit verify\n`)
      await sb.ok(['network', 'rm', 'after-edit'], { env: { PATCHBAY_ROOT: root } })
    })
  })

  describe('a file system that takes no writes', () => {
    /** Runs `script` in a private mount namespace (mounts made there vanish with it); $PB runs patchbay on root `dir` in the sandbox. */
    const inMountNs = (dir: string, script: string) =>
      cmd(['unshare', '-m', 'sh', '-c', `set -e; PB="nsenter --net=/run/netns/${sb.ns} -- env PATCHBAY_ROOT=${dir} ${BIN}"; ${script}`])

    it('read-only: reads work, a change says why it cannot happen', async () => {
      const dir = scratchRoot('pbt-ro-')
      await sb.ok(['network', 'create', '--subnet', '10.88.0.0/24', 'kept'], { env: { PATCHBAY_ROOT: dir } })
      const r = await inMountNs(dir, `mount --bind -o ro ${dir} ${dir}; $PB network ls --format '{{.Name}}'; $PB audit verify | cut -c1-3; $PB network create other || true`)
      expect(r.stdout).toBe('bridge\nhost\nnone\nkept\nok:\n')
      expect(r.stderr).toBe(`Error: cannot change patchbay state in ${dir}: its file system is read-only (remount it read-write)\n`)
    })

    it('full: reads work, a change says the disk is full', async () => {
      sb.defer(() => rmSync(runDirFor('/mnt/state'), { recursive: true, force: true }))
      const r = await inMountNs('/mnt/state', `mount -t tmpfs -o size=1m tmpfs /mnt; mkdir -m 700 /mnt/state; $PB network create --subnet 10.89.0.0/24 kept >/dev/null; dd if=/dev/zero of=/mnt/fill bs=4k 2>/dev/null || true; $PB network ls --format '{{.Name}}'; $PB network create other || true`)
      expect(r.stdout).toBe('bridge\nhost\nnone\nkept\n')
      expect(r.stderr).toBe('Error: cannot change patchbay state in /mnt/state: its file system is full (free some space)\n')
    })
  })

  describe("the host's own links are never taken over", () => {
    it('a bridge patchbay did not make is refused as a network bridge, and left as it was', async () => {
      await sb.shOk('ip link add br-admin type bridge && ip link set br-admin up')
      sb.defer(() => void sb.sh('ip link del br-admin'))
      const before = await sb.shOk('ip -o addr show dev br-admin; ip -o link show dev br-admin')
      const r = await sb.run(['network', 'create', '-o', 'com.docker.network.bridge.name=br-admin', '--subnet', '10.66.0.0/24', 'takeover'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^Error: create bridge br-admin: a bridge with that name exists that patchbay did not make \(choose another com\.docker\.network\.bridge\.name\)/)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(await sb.shOk('ip -o addr show dev br-admin; ip -o link show dev br-admin')).toBe(before)
      expect(await sb.ok(['network', 'ls', '--format', '{{.Name}}'])).not.toMatch(/takeover/)
    })
  })

  describe('the audit trail stays one event a line', () => {
    it('a label with a newline shows as an escape in events and history', async () => {
      await sb.ok(['network', 'create', '--label', 'x=y\n2026-01-01T00:00:00.000Z NetworkRemoved network nw1 by root', '--subnet', '10.67.0.0/24', 'labelled'])
      const lines = (await sb.ok(['events', '-f', 'network=labelled'])).trimEnd().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain("--label $'x=y\\n2026-01-01T00:00:00.000Z NetworkRemoved network nw1 by root'")
      expect((await sb.ok(['network', 'history', 'labelled'])).trimEnd().split('\n')).toHaveLength(3)
    })
  })
})
