import { type Stats, chmodSync, lstatSync, mkdirSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The files patchbay keeps in its state directory: never followed through a link. */
const STATE_FILES = ['patchbay.db', 'patchbay.db-wal', 'patchbay.db-shm', 'daemon.sock']

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Why `root` must not hold patchbay's state for `uid`, or undefined when it may: a root
 * process must not keep its log where another user could replace it, point it elsewhere
 * through a link, or swap a directory above it (OpenSSH's StrictModes rule). The directory and
 * its state files must be ours (or root's) and writable by nobody else; each directory above
 * it must be ours or root's, and writable by others only with the sticky bit (/tmp).
 */
export function untrustedStateDir(root: string, uid: number): string | undefined {
  const owned = (st: Stats) => st.uid === uid || st.uid === 0
  const self = lstatOrUndefined(root)
  if (self) {
    if (self.isSymbolicLink()) return 'it is a symbolic link (give the directory it points to)'
    if (!self.isDirectory()) return 'it is not a directory'
    if (!owned(self)) return `it belongs to uid ${self.uid}`
    if (self.mode & 0o022) return `it is writable by other users (mode ${octal(self.mode)}; chmod go-w ${root})`
    for (const f of STATE_FILES) {
      const st = lstatOrUndefined(join(root, f))
      if (!st) continue
      if (st.isSymbolicLink()) return `${f} in it is a symbolic link`
      if (!owned(st)) return `${f} in it belongs to uid ${st.uid}`
    }
  }
  // Above it: from the nearest directory that exists (a new root is made under it) up to /.
  let dir = dirname(root)
  while (!lstatOrUndefined(dir)) dir = dirname(dir)
  for (let d = realpathSync(dir); ; d = dirname(d)) {
    const st = lstatSync(d)
    if (!owned(st)) return `${d}, above it, belongs to uid ${st.uid}`
    if (st.mode & 0o022 && !(st.mode & 0o1000)) return `${d}, above it, is writable by other users (mode ${octal(st.mode)})`
    if (d === '/') return undefined
  }
}

/**
 * Makes `dir` (and what is missing above it) and keeps it owner-only: a run directory holds
 * every container's hosts file and the firewall record, which other users have no business
 * reading. Bind mounts of its files into containers are unaffected. A directory an older
 * build left readable is tightened. One stat when all is well.
 */
export function ensurePrivateDir(dir: string): void {
  const st = lstatOrUndefined(dir)
  if (!st) mkdirSync(dir, { recursive: true, mode: 0o700 })
  else if ((st.mode & 0o077) !== 0) chmodSync(dir, st.mode & 0o700)
}
