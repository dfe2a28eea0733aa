/**
 * `patchbay daemon`: while it runs, bin/patchbay hands the hot commands to it; everything a
 * user sees (output, errors, exit codes, the kernel, the log and who it names) must be what
 * the same commands give without it, and anything the daemon must not serve (another
 * namespace, another uid, a command only the full CLI has) runs on its own as before.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AsyncSandbox,
  BIN,
  NOT_ROOT_MESSAGE,
  REPO,
  cmd,
  createAsyncSandbox,
  hostCmd,
  idMasker,
  isRoot,
  parseJsonLines,
  ping,
  randomHex,
  startCli,
} from './sandbox.js'
import { encodeRequest } from '../../src/daemon/protocol.js'

/** A copy of the built install under `dir`/install: its own bin/ and dist/ (bin/patchbay links into dist/), the rest linked. */
function privateInstall(dir: string): string {
  const copy = join(dir, 'install')
  mkdirSync(copy)
  cpSync(join(REPO, 'bin'), join(copy, 'bin'), { recursive: true, verbatimSymlinks: true })
  cpSync(join(REPO, 'dist'), join(copy, 'dist'), { recursive: true })
  for (const shared of ['package.json', 'migrations', 'node_modules', 'native']) symlinkSync(join(REPO, shared), join(copy, shared))
  return copy
}

/** Sends raw bytes to the daemon's socket; resolves with everything it answered before closing. */
function rawExchange(socket: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const sock = connect(socket, () => sock.write(bytes))
    sock.on('data', (d) => chunks.push(d)).on('close', () => resolve(Buffer.concat(chunks))).on('error', reject)
  })
}

/**
 * A fake daemon on ROOT/daemon.sock served by uid 65534, as a user who could write there would
 * serve one: it answers each of its `count` connections at once with a spoofed success
 * (ACCEPTED, STDOUT "deadbeef-spoofed", EXIT 0), then prints how many bytes the client sent.
 * It binds as root (the root is root's), gives the file to `owner`, and drops to 65534 before
 * listen(): that is when the kernel takes the credentials a client sees (SO_PEERCRED).
 */
const SPOOFER = `
import os, socket, sys
path, owner, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chown(path, owner, owner)
os.setgroups([]); os.setgid(65534); os.setuid(65534)
s.listen()
print('ready', flush=True)
frame = lambda kind, data: kind + len(data).to_bytes(4, 'little') + data
for _ in range(count):
    c, _ = s.accept()
    try:
        c.sendall(frame(b'A', b'') + frame(b'O', b'deadbeef-spoofed\\n') + frame(b'X', b'0'))
    except OSError:
        pass
    c.settimeout(5)
    got = 0
    try:
        while (data := c.recv(65536)):
            got += len(data)
    except OSError:
        pass
    print('received', got, 'bytes', flush=True)
    c.close()
`

/** Starts SPOOFER on the sandbox's socket; `done` is what it printed after its connections (10 s at most). */
async function startSpoofer(sb: AsyncSandbox, owner: number, count: number): Promise<{ done: Promise<string> }> {
  const child = spawn('python3', ['-c', SPOOFER, join(sb.root, 'daemon.sock'), String(owner), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] })
  sb.defer(() => child.kill('SIGKILL'))
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  for (let i = 0; i < 100 && !out.includes('ready\n'); i++) await new Promise((r) => setTimeout(r, 50))
  expect(out).toBe('ready\n')
  const done = new Promise<string>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('close', () => (clearTimeout(timer), resolve(out.slice('ready\n'.length))))
  })
  return { done }
}

/** The daemon's stdout so far, and a way to wait for a line of it. */
interface Running {
  child: ChildProcessWithoutNullStreams
  log(): string
  waitFor(pattern: RegExp): Promise<void>
}

function startDaemon(sb: AsyncSandbox, args: string[] = ['-v'], bin?: string): Running {
  const child = startCli(sb, ['daemon', ...args], { bin })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50))
    expect(out).toMatch(pattern)
  }
  return { child, log: () => out, waitFor }
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)))

describe.skipIf(!isRoot)(`patchbay daemon ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let served: AsyncSandbox
  let alone: AsyncSandbox
  let daemon: Running
  beforeAll(async () => {
    served = createAsyncSandbox('daemon')
    alone = createAsyncSandbox('nodaemon')
    daemon = startDaemon(served)
    await daemon.waitFor(/^patchbay daemon: serving .* \(pid \d+\)\n/)
  })
  afterAll(() => {
    served?.cleanup()
    alone?.cleanup()
  })

  it('the same commands with and without the daemon: same output, errors, exit codes, state and log; the hot ones served by it', { timeout: 120_000 }, async () => {
    const [maskServed, maskAlone] = [idMasker(), idMasker()]
    const cases = [
      ['network', 'create', '--subnet', '10.7.0.0/24', '--label', 'a=b', 'm1'],
      ['network', 'create', 'm1'],
      ['network', 'create', '-d', 'overlay9', 'm2'],
      ['run', '--name', 'a1', '--net', 'm1', '--alias', 'x'],
      ['run', '--name', 'a2', '--net=m1', '--ip', '10.7.0.50'],
      ['run', '--name', 'a3', '--pid', 'abc'],
      ['container', 'run', '--name', 'a3', '--network', 'none'],
      ['run', '--name', 'a4'],
      ['network', 'connect', '--alias', 'db', 'm1', 'a4'],
      ['network', 'connect', 'm1', 'a3'],
      ['network', 'ls'],
      ['network', 'ls', '--filter', 'name=m', '--format', '{{.Name}} {{.Driver}}'],
      ['network', 'inspect', '-f', '{{.Name}} {{json .IPAM}} {{len .Containers}}', 'm1'],
      ['inspect', '-f', '{{.NetworkSettings.Networks.m1.IPAddress}} {{.NetworkSettings.Networks.m1.MacAddress}}', 'a1', 'a2', 'a4'],
      ['inspect', '--format', '{{json .NetworkSettings.Networks.m1.Aliases}}', 'a4'],
      ['inspect', 'nobody'],
      ['container', 'ls'],
      ['network', 'inspect', 'm1', '--at', 'seq:3'],
      ['network', 'disconnect', 'none', 'a3'],
      ['network', 'disconnect', 'm1', 'a4'],
      ['rm', 'a1', 'nobody'],
      ['network', 'rm', 'm1', 'ghost'],
      ['network', 'frob'],
      ['network', 'ls', '--help'],
      ['events', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'],
    ]
    for (const argv of cases) {
      const a = await served.run(argv)
      const b = await alone.run(argv)
      expect({ argv, code: a.code, stdout: maskServed(a.stdout), stderr: maskServed(a.stderr) }).toEqual({ argv, code: b.code, stdout: maskAlone(b.stdout), stderr: maskAlone(b.stderr) })
    }
    const log = daemon.log()
    // Served: every hot command, its exit code included; handed back: the rest.
    expect(log).toMatch(/: network create: exit 0\n/)
    expect(log).toMatch(/: network create: exit 1\n/)
    expect(log).toMatch(/: run: exit 0\n/)
    expect(log).toMatch(/: run: not served \(not a command the daemon runs\)\n/) // --pid abc: oclif's error
    expect(log).toMatch(/: network connect: exit 0\n/)
    expect(log).toMatch(/: inspect: exit 1\n/)
    expect(log).toMatch(/: network frob: not served \(not a command the daemon runs\)\n/)
    expect(log).toMatch(/: network ls: not served \(not a command the daemon runs\)\n/) // --help
    expect(log).toMatch(/: events: not served \(not a command the daemon runs\)\n/)
    expect(await served.ok(['audit', 'verify'])).toMatch(/^ok: /)
    // Made through the daemon, the containers work: a2 reaches a4 by its alias on m1.
    await served.ok(['network', 'connect', '--alias', 'db', 'm1', 'a4'])
    expect((await ping(served, 'a2', 'db', true)).stdout).toMatch(/10\.7\.0\.\d+/)
  })

  it('records the client as the actor: its pid (from the kernel), uid, sudo user and command line', async () => {
    const argv = ['run', '--name', 'who', '--net', 'none']
    const child = startCli(served, argv, { env: { SUDO_USER: 'alice' } })
    expect(await exited(child)).toBe(0)
    const [created] = parseJsonLines(await served.ok(['events', '--format', 'json', '-f', 'container=who']))
    expect(created!.actor).toEqual({ uid: 0, user: 'root', sudoUser: 'alice', pid: child.pid, argv })
    expect(daemon.log()).toContain(`pid ${child.pid}: run: exit 0\n`)
  })

  it('30 clients at once, half through the daemon and half on their own: no address twice, the log verifies', { timeout: 120_000 }, async () => {
    await served.ok(['network', 'create', '--subnet', '10.8.0.0/24', 'busy'])
    const node = join(REPO, 'bin', 'patchbay.cjs')
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const argv = ['run', '--name', `b${i}`, '--net', 'busy']
        return i % 2 ? served.run(argv) : cmd(['nsenter', `--net=/run/netns/${served.ns}`, '--', 'node', node, ...argv], { env: { PATCHBAY_ROOT: served.root } })
      }),
    )
    expect(results.map((r) => r.stderr).filter(Boolean)).toEqual([])
    const [net] = JSON.parse(await served.ok(['network', 'inspect', 'busy']))
    const ips = (Object.values(net.Containers) as { IPv4Address: string }[]).map((e) => e.IPv4Address)
    expect(ips).toHaveLength(30)
    expect(new Set(ips).size).toBe(30)
    expect(await served.ok(['audit', 'verify'])).toMatch(/^ok: /)
    await ping(served, 'b0', 'b29', true)
  })

  it('admin rebuild runs on its own beside it; it goes on answering from the rebuilt tables', async () => {
    expect(await served.ok(['admin', 'rebuild'])).toMatch(/^rebuilt the projections from \d+ events/)
    expect(await served.ok(['run', '--name', 'rebuilt', '--net', 'busy'])).toMatch(/^[0-9a-f]{64}\n$/)
    expect(daemon.log()).toMatch(/: admin rebuild: not served \(not a command the daemon runs\)\n(.*\n)*.*: run: exit 0\n$/)
    const [net] = JSON.parse(await served.ok(['network', 'inspect', 'busy']))
    expect(Object.values(net.Containers).map((c) => (c as { Name: string }).Name)).toContain('rebuilt')
    expect(await served.ok(['audit', 'verify'])).toMatch(/^ok: /)
  })

  it('a client in another network namespace is not served: its command acts where it runs, as without a daemon', async () => {
    const other = `pbt-dmother-${randomHex(4)}`
    expect(hostCmd(['ip', 'netns', 'add', other]).code).toBe(0)
    try {
      const inOther = (args: string[]) => cmd(['nsenter', `--net=/run/netns/${other}`, '--', BIN, ...args], { env: { PATCHBAY_ROOT: served.root } })
      const r = await inOther(['network', 'create', '-o', 'com.docker.network.bridge.name=pbother0', 'elsewhere'])
      expect(r.stderr).toBe('')
      expect(daemon.log()).toMatch(/: network create: not served \(another namespace\)\n/)
      expect(hostCmd(['ip', '-n', other, 'link', 'show', 'pbother0']).code).toBe(0)
      expect((await served.sh('ip link show pbother0')).code).not.toBe(0)
      expect((await inOther(['network', 'rm', 'elsewhere'])).stdout).toBe('elsewhere\n')
    } finally {
      hostCmd(['ip', 'netns', 'del', other])
    }
  })

  it('a client of another build is handed back; a request that is not one is dropped and the daemon goes on', async () => {
    const socket = join(served.root, 'daemon.sock')
    const reply = await rawExchange(socket, encodeRequest({ buildId: 'older', cwd: '/', env: {}, argv: ['network', 'ls'] }))
    expect([...reply]).toEqual([0x46, 0, 0, 0, 0]) // FALLBACK, no data
    expect(daemon.log()).toMatch(/: network ls: not served \(another build\)\n/)
    expect((await rawExchange(socket, Buffer.from('\x05\0\0\0hello'))).length).toBe(0)
    expect(await served.ok(['network', 'ls', '--format', '{{.Name}}'])).toMatch(/^bridge\n/)
  })

  it('another uid is not served: it gets the usual refusal from the CLI itself', async () => {
    expect(await served.fail(['run', '--name', 'nobody1'], { asUid: 65534 })).toMatch(/^Error: patchbay container create needs root .*\n$/)
  })

  it('a socket owned or served by another uid is not trusted: nothing is sent to it, the command runs on its own, one warning says why', async () => {
    const sb = createAsyncSandbox('spoofed')
    try {
      const socket = join(sb.root, 'daemon.sock')
      const refused = (why: string) => `patchbay: not using ${socket}: ${why}, not by root or you (uid 0)\n`

      // Its file and its listener are the other uid's: the CLI, run instead, refuses such a root.
      let spoofer = await startSpoofer(sb, 65534, 1)
      const owned = await sb.run(['network', 'ls', '--format', '{{.Name}}'])
      expect(owned.stdout).toBe('')
      expect(owned.stderr.split(/(?<=\n)/)).toEqual([refused('it is owned by uid 65534'), expect.stringMatching(/^Error: .*daemon\.sock in it belongs to uid 65534\n$/)])
      expect(owned.code).toBe(1)
      expect(await spoofer.done).toBe('received 0 bytes\n')

      // Its file is root's, its listener is not: only the kernel's credentials tell.
      rmSync(socket)
      spoofer = await startSpoofer(sb, 0, 2)
      const served = refused('it is served by uid 65534')
      expect(await sb.run(['network', 'ls', '--format', '{{.Name}}'])).toEqual({ code: 0, stdout: 'bridge\nhost\nnone\n', stderr: served })
      const run = await sb.run(['run', '--name', 'real', '--net', 'none'])
      expect({ ...run, stdout: run.stdout.replace(/^[0-9a-f]{64}\n$/, 'ID') }).toEqual({ code: 0, stdout: 'ID', stderr: served })
      expect(await spoofer.done).toBe('received 0 bytes\n'.repeat(2))
      // Nobody listens on the socket left behind: no daemon, no warning.
      expect(await sb.run(['inspect', '-f', '{{.Name}}', 'real'])).toEqual({ code: 0, stdout: '/real\n', stderr: '' })
    } finally {
      sb.cleanup()
    }
  })

  it('a second daemon on the same root is refused; a stopped one removes its socket; a killed one leaves a socket that commands survive', { timeout: 60_000 }, async () => {
    const second = startDaemon(served)
    expect(await exited(second.child)).toBe(1)
    expect(second.log()).toBe(`Error: a patchbay daemon already serves ${served.root} (${served.root}/daemon.sock)\n`)

    daemon.child.kill('SIGTERM')
    expect(await exited(daemon.child)).toBe(0)
    expect(daemon.log()).toMatch(/patchbay daemon: stopped\n$/)
    expect(existsSync(join(served.root, 'daemon.sock'))).toBe(false)
    expect(await served.ok(['network', 'ls', '-q'])).toMatch(/^([0-9a-f]{12}\n){5}$/)

    const killed = startDaemon(served)
    await killed.waitFor(/serving/)
    killed.child.kill('SIGKILL')
    await exited(killed.child)
    expect(existsSync(join(served.root, 'daemon.sock'))).toBe(true)
    expect(await served.ok(['run', '--name', 'after', '--net', 'busy'])).toMatch(/^[0-9a-f]{64}\n$/)
    // A new daemon takes over the stale socket.
    daemon = startDaemon(served)
    await daemon.waitFor(/serving/)
    expect(await served.ok(['inspect', '-f', '{{.Name}}', 'after'])).toBe('/after\n')
    expect(daemon.log()).toMatch(/: inspect: exit 0\n/)
  })

  it('a daemon whose build was replaced hands the command back, then exits 75 so that the new build can serve', async () => {
    daemon.child.kill('SIGTERM')
    await exited(daemon.child)
    // A private copy of the install, started as an older build and then upgraded under it: the
    // repository's own dist/build-id is never touched (daemons of other test files read it).
    const copy = privateInstall(served.root)
    const buildIdFile = join(copy, 'dist', 'build-id')
    writeFileSync(buildIdFile, 'oldbuild\n')
    const old = startDaemon(served, ['-v'], join(copy, 'bin', 'patchbay'))
    await old.waitFor(/serving/)
    writeFileSync(buildIdFile, readFileSync(join(REPO, 'dist', 'build-id')))
    expect(await served.ok(['network', 'ls', '--format', '{{.Name}}'])).toMatch(/^bridge\n/)
    expect(await exited(old.child)).toBe(75)
    expect(old.log()).toMatch(/: network ls: not served \(another build\)\npatchbay daemon: stopped: patchbay was rebuilt or upgraded since it started \(build [0-9a-f]{16} is installed\); start it again/)
    expect(existsSync(join(served.root, 'daemon.sock'))).toBe(false)
  })
})
