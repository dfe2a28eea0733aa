/**
 * The wire format between the native client (native/client/patchbay.c) and `patchbay daemon`,
 * over the unix socket <root>/daemon.sock. Kept trivial so the client stays a few hundred
 * lines of C with no dependencies.
 *
 * Request, once per connection: u32 length (little-endian), then that many bytes of
 * NUL-terminated fields: MAGIC, the client's build id, its cwd, a count N, N × NAME=VALUE
 * (the environment variables the client forwards), then every argument.
 *
 * Replies, in order: frames of one kind byte, u32 length (little-endian) and data. Either one
 * FALLBACK frame (the client then runs the command itself, exactly as without a daemon), or
 * ACCEPTED, any number of STDOUT/STDERR frames, and one EXIT frame whose data is the exit
 * code. Nothing is done before ACCEPTED is sent, so a connection that ends before it (a daemon
 * stopping) is safe to retry without the daemon; one that ends after it is not.
 */
export const MAGIC = 'patchbay/1'
/** Longest request accepted: far above any command line. */
export const MAX_REQUEST = 1 << 20

export const Reply = { accepted: 0x41, stdout: 0x4f, stderr: 0x45, exit: 0x58, fallback: 0x46 } as const

export interface Request {
  buildId: string
  cwd: string
  env: Record<string, string>
  argv: string[]
}

/** The request in `payload` (the bytes after the length), or undefined if it is not one. */
export function decodeRequest(payload: Buffer): Request | undefined {
  if (payload.length === 0 || payload[payload.length - 1] !== 0) return undefined
  const fields = payload.subarray(0, payload.length - 1).toString('utf8').split('\0')
  const [magic, buildId, cwd, count, ...rest] = fields
  const n = Number(count)
  if (magic !== MAGIC || buildId === undefined || cwd === undefined || !Number.isInteger(n) || n < 0 || n > rest.length) return undefined
  const env: Record<string, string> = {}
  for (const entry of rest.slice(0, n)) {
    const eq = entry.indexOf('=')
    if (eq <= 0) return undefined
    env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return { buildId, cwd, env, argv: rest.slice(n) }
}

/** The request as the client sends it, length included (tests speak the protocol with it). */
export function encodeRequest(req: Request): Buffer {
  const env = Object.entries(req.env).map(([k, v]) => `${k}=${v}`)
  const fields = [MAGIC, req.buildId, req.cwd, String(env.length), ...env, ...req.argv]
  const payload = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32LE(payload.length)
  return Buffer.concat([length, payload])
}

export function frame(kind: number, data: string | Buffer = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  const head = Buffer.alloc(5)
  head[0] = kind
  head.writeUInt32LE(body.length, 1)
  return Buffer.concat([head, body])
}
