import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { type Server, type Socket, connect, createServer } from 'node:net'
import { join } from 'node:path'
import { type HotCall, hotCall } from '../cli/hot-commands.js'
import type { Io } from '../cli/io.js'
import type { ClusterLink } from '../cluster/link.js'
import { residentState } from '../cli/state-access.js'
import { packageRoot } from '../config/package-root.js'
import { UserError } from '../core/errors.js'
import { native } from '../kernel/native.js'
import type { Daemon, DaemonService } from './daemon.js'
import { MAX_REQUEST, Reply, type Request, decodeRequest, frame } from './protocol.js'

/** Longest path a unix socket address holds (sun_path, NUL included). */
const SUN_PATH_MAX = 108

const REQUEST_TIMEOUT_MS = 5000

/** What a served client is, as the kernel tells it (SO_PEERCRED, /proc/PID/ns). */
interface Peer {
  pid: number
  uid: number
}

/** The build id written by scripts/bundle.mjs; the client has the same one compiled in. */
function buildId(): string {
  const file = join(packageRoot(), 'dist', 'build-id')
  if (!existsSync(file)) throw new UserError('patchbay daemon needs a built patchbay (npm run build)')
  return readFileSync(file, 'utf8').trim()
}

const nsInode = (pid: number | 'self', ns: 'net' | 'mnt'): number | undefined => {
  try {
    return statSync(`/proc/${pid}/ns/${ns}`).ino
  } catch {
    return undefined
  }
}

/** What the daemon compares a client with. */
interface Self {
  build: string
  net?: number
  mnt?: number
  root: string
}

/**
 * The command to run for a request, or why this daemon must not run it. Every doubt means
 * "let the client run it itself", which gives the same result as if no daemon ran: a client
 * from another build, in another network or mount namespace (patchbay acts on the namespace
 * it is started in), with another uid, naming another root, a command only the full CLI has,
 * or a test's crash hook (which must kill the command's own process).
 */
function admit(req: Request, peer: Peer, self: Self): HotCall | string {
  if (req.buildId !== self.build) return 'another build'
  if (peer.uid !== process.getuid?.()) return `uid ${peer.uid}`
  if (nsInode(peer.pid, 'net') !== self.net || nsInode(peer.pid, 'mnt') !== self.mnt) return 'another namespace'
  if (req.env.PATCHBAY_TEST_CRASH_AT) return 'crash hook set'
  const call = hotCall(req.argv, req.env, req.cwd)
  if (!call) return 'not a command the daemon runs'
  if (call.root !== self.root) return `root ${call.root}`
  if (!chdir(req.cwd)) return `cannot enter ${req.cwd}`
  return call
}

/** Reads one request off a connection: the u32 length, then the payload. */
function readRequest(sock: Socket): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      const want = buf.length >= 4 ? buf.readUInt32LE(0) : 0
      if (want > MAX_REQUEST) return finish(undefined)
      if (buf.length >= 4 && buf.length >= 4 + want) finish(buf.subarray(4, 4 + want))
    }
    const finish = (payload: Buffer | undefined) => {
      clearTimeout(timer)
      sock.off('data', onData).off('end', ended).off('error', ended)
      resolve(payload)
    }
    const ended = () => finish(undefined)
    // The client sends its request at once; one that does not is not a patchbay client.
    const timer = setTimeout(ended, REQUEST_TIMEOUT_MS)
    sock.on('data', onData).on('end', ended).on('error', ended).on('close', () => clearTimeout(timer))
  })
}

/** Whether something already answers on the socket (another daemon for the same root). */
export function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path)
    probe.on('connect', () => (probe.destroy(), resolve(true))).on('error', () => resolve(false))
  })
}

function listen(server: Server, path: string): Promise<void> {
  // Created owner-only: whoever can connect acts as the daemon's user (its uid is checked too).
  const umask = process.umask(0o177)
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(path, () => resolve())
  }).finally(() => process.umask(umask))
}

/**
 * Serves the hot commands (src/cli/hot-commands.ts) for the daemon's root over its unix
 * socket, with the state kept open: a command then costs what it does in the kernel and the
 * log, not a Node start-up. Commands run one at a time, in arrival order, through the
 * daemon's queue; each still takes the host lock like any other process, so commands run
 * without the daemon interleave safely.
 */
export function commandServer(opts: {
  verbose?: boolean
  /** The daemon's tie to its cluster, which the commands it serves share. */
  cluster?: ClusterLink
  /** A client of the build now installed was declined: this daemon runs replaced code. */
  onReplaced?: (installed: string) => void
}): DaemonService {
  let close: (() => Promise<void>) | undefined
  return {
    name: 'command server',
    async start(daemon) {
      close = await serve(daemon, opts)
    },
    async stop() {
      await close?.()
    },
  }
}

async function serve(daemon: Daemon, opts: Parameters<typeof commandServer>[0]): Promise<() => Promise<void>> {
  const { app, log } = daemon
  const socket = app.paths.daemonSocket
  if (Buffer.byteLength(socket) >= SUN_PATH_MAX) throw new UserError(`cannot serve ${app.paths.root}: socket path ${socket} is longer than ${SUN_PATH_MAX - 1} bytes (use a shorter --root)`)
  const self: Self = { build: buildId(), net: nsInode('self', 'net'), mnt: nsInode('self', 'mnt'), root: app.paths.root }
  if (await answering(socket)) throw new UserError(`a patchbay daemon already serves ${app.paths.root} (${socket})`)
  if (existsSync(socket)) unlinkSync(socket)
  const state = residentState(app)

  const server = createServer((sock) => {
    sock.on('error', () => {}) // a client that went away: nothing left to tell it
    // Read while another command runs; only running waits in the queue.
    void readRequest(sock).then((payload) => {
      const req = payload && decodeRequest(payload)
      if (!req) return void sock.destroy()
      // A failure of one (a client gone mid-answer, say) must not stop the queue.
      daemon.exclusive(() => serveOne(sock, req, self)).catch((err: Error) => {
        log(`patchbay daemon: ${commandWords(req.argv)}: ${err.message}`)
        sock.destroy()
      })
    })
  })
  const serveOne = async (sock: Socket, req: Request, me: Self) => {
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd
    if (fd === undefined) return void sock.destroy()
    const peer = native().peerCredentials(fd)
    const call = admit(req, peer, me)
    if (typeof call === 'string') {
      if (opts.verbose) log(`pid ${peer.pid}: ${commandWords(req.argv)}: not served (${call})`)
      sock.end(frame(Reply.fallback))
      if (req.buildId !== me.build && req.buildId === buildId()) opts.onReplaced?.(req.buildId)
      return
    }
    const send = (kind: number, data?: string) => void (sock.writable && sock.write(frame(kind, data)))
    const io: Io = {
      out: (text) => send(Reply.stdout, text),
      err: (text) => send(Reply.stderr, text),
      actor: { pid: peer.pid, uid: peer.uid, sudoUser: req.env.SUDO_USER || null, argv: req.argv },
      state,
      cluster: opts.cluster,
    }
    send(Reply.accepted)
    const code = await call.run(io)
    // Logged before the client is told, so the line is there by the time the client exits.
    if (opts.verbose) log(`pid ${peer.pid}: ${call.name}: exit ${code}`)
    sock.end(frame(Reply.exit, String(code)))
  }

  await listen(server, socket)
  const inode = statSync(socket).ino
  log(`patchbay daemon: serving ${app.paths.root} on ${socket} (pid ${process.pid})`)
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    // Only our own socket: a daemon started after us may have replaced it.
    if (existsSync(socket) && statSync(socket).ino === inode) unlinkSync(socket)
  }
}

/** What a command line names, for the log: its words before the first flag, at most two. */
function commandWords(argv: string[]): string {
  const flag = argv.findIndex((w) => w.startsWith('-'))
  return argv.slice(0, Math.min(2, flag === -1 ? argv.length : flag)).join(' ')
}

/** Requests are served one at a time, so the process's cwd can be the client's for each. */
function chdir(dir: string): boolean {
  try {
    process.chdir(dir)
    return true
  } catch {
    return false
  }
}
