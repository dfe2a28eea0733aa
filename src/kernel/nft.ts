import type { SpawnSyncReturns } from 'node:child_process'
import { createRequire } from 'node:module'
import { crashPoint } from './crash-point.js'
import { KernelError } from './errors.js'

// Loaded on first use: most changes never run nft, and loading node:child_process costs a
// few milliseconds of every command's start.
let childProcess: typeof import('node:child_process') | undefined
function nft(args: string[], input?: string): SpawnSyncReturns<string> {
  childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')
  return childProcess.spawnSync('nft', args, { input, encoding: 'utf8' })
}

/**
 * Feeds a complete ruleset to one `nft -f -`; nft applies a file as a single transaction, so
 * either all of it takes effect or none. Acts on the netns of the calling thread.
 */
export function applyNftRuleset(text: string): void {
  crashPoint()
  checkNft(nft(['-f', '-'], text))
}

/** The table as nft prints it (its canonical form), or null when there is no such table. */
export function listNftTable(family: string, name: string): string | null {
  const res = nft(['list', 'table', family, name])
  if (!res.error && res.status !== 0 && /No such file or directory/.test(res.stderr)) return null
  checkNft(res)
  return res.stdout
}

function checkNft(res: SpawnSyncReturns<string>): void {
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code
    throw new KernelError('ENFT', code === 'ENOENT' ? 'nftables: nft command not found' : `nftables: ${res.error.message}`)
  }
  if (res.status !== 0) {
    const first = res.stderr.split('\n').find((l) => l.trim() !== '') ?? `nft exited with ${res.status ?? res.signal}`
    throw new KernelError('ENFT', `nftables: ${first.trim()}`)
  }
}

/** Deletes a table if present: declaring it first makes the delete succeed either way. */
export function deleteNftTable(family: string, name: string): void {
  if (!/^[a-z0-9]+$/.test(family) || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new KernelError('EINVAL', `nftables: invalid table ${family} ${name}`)
  }
  applyNftRuleset(`table ${family} ${name} {}\ndelete table ${family} ${name}\n`)
}
