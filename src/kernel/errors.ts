/** An OS-level failure with a stable errno-style code (EEXIST, ENODEV, ..., or ENFT for nftables). */
export class KernelError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'KernelError'
    this.code = code
  }
}

/** Short lower-case wording, like strerror but phrased for one-line CLI messages. */
const DESCRIPTIONS: Record<string, string> = {
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process or route',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  ENETUNREACH: 'network is unreachable (gateway is not on a directly connected network)',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EINVAL: 'invalid argument',
  ENOTSUP: 'operation not supported (unknown link kind or missing kernel module?)',
  EOPNOTSUPP: 'operation not supported (unknown link kind or missing kernel module?)',
  ERANGE: 'numerical result out of range',
  // EXFULL, which Node cannot name: what a bridge says when all its port numbers are taken.
  ERRNO54: 'exchange full (a Linux bridge takes at most 1023 interfaces)',
}

/**
 * The netlink package rejects with a bare `Error('Request rejected: EEXIST')` (no errno property,
 * no extack), so the code has to be recovered from the message text.
 */
export function mapNetlinkError(err: unknown, what: string): KernelError {
  if (err instanceof KernelError) return err
  const text = err instanceof Error ? err.message : String(err)
  const match = /Request rejected: (?:Unknown system error )?(E[A-Z0-9]+|-?\d+)/.exec(text)
  const code = match ? normalize(match[1]!) : ((err as { code?: unknown })?.code as string | undefined) ?? 'EUNKNOWN'
  const description = DESCRIPTIONS[code] ?? (match ? code : text)
  return new KernelError(code, `${what}: ${description}`)
}

/** ENOTSUP and EOPNOTSUPP are the same number on Linux; Node names it ENOTSUP. Unnamed errnos stay numeric. */
function normalize(code: string): string {
  if (code === 'EOPNOTSUPP') return 'ENOTSUP'
  return /^-?\d+$/.test(code) ? `ERRNO${code.replace('-', '')}` : code
}
