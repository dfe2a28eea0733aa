import { createRequire } from 'node:module'

// node:crypto is loaded on first use: commands that only read never hash anything, and loading
// it costs them ~10 ms of a ~70 ms start.
let loaded: typeof import('node:crypto') | undefined
function crypto(): typeof import('node:crypto') {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return loaded
}

/** sha256 of a string, hex. crypto.hash (Node >= 20.12) does it in one call, about twice as fast as a Hash object. */
export function sha256(text: string): string {
  const c = crypto()
  return typeof c.hash === 'function' ? c.hash('sha256', text) : c.createHash('sha256').update(text).digest('hex')
}

export function randomHex(bytes: number): string {
  return crypto().randomBytes(bytes).toString('hex')
}
