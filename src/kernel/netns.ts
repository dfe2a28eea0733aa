import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { crashPoint } from './crash-point.js'
import { listDir } from './files.js'
import { KernelError } from './errors.js'
import { native } from './native.js'

/** The calling thread's own netns file; /proc/self/ns/net would name the main thread's instead. */
function threadNetnsPath(): string {
  return `/proc/self/task/${native().gettid()}/ns/net`
}

function asKernelError(err: unknown, what: string): KernelError {
  const e = err as NodeJS.ErrnoException
  // Node's fs messages read "ENOENT: no such file or directory, open '/x'"; keep just the middle.
  const reason = e.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')
  return new KernelError(typeof e.code === 'string' ? e.code : 'EUNKNOWN', `${what}: ${reason}`)
}

/**
 * Runs fn with the calling thread switched into the network namespace at nsPath, and always
 * switches back. fn must be synchronous: only this thread moves (libuv's pool threads stay put),
 * and anything awaited would run after the switch back. Sockets created inside fn stay bound to
 * the target namespace for their whole life, which is how Rtnl.open(nsPath) works.
 */
export function withNetns<T>(nsPath: string, fn: () => T): T {
  const addon = native()
  const original = openSync(threadNetnsPath(), 'r')
  try {
    try {
      const target = openSync(nsPath, 'r')
      try {
        addon.setns(target, addon.CLONE_NEWNET) // EINVAL: nsPath is not a network namespace
      } finally {
        closeSync(target)
      }
    } catch (err) {
      throw asKernelError(err, `enter netns ${nsPath}`)
    }
    try {
      return fn()
    } finally {
      // If this ever failed the thread would be stranded in the wrong namespace; let it throw loudly.
      addon.setns(original, addon.CLONE_NEWNET)
    }
  } finally {
    closeSync(original)
  }
}

let nsfsDev: number | undefined

/**
 * True when path is an nsfs file, i.e. a bind mount of some namespace. All nsfs inodes share one
 * superblock, so comparing st_dev with our own netns file is a single stat instead of a
 * mountinfo scan. lstat so that a symlink to /proc/.../ns/net does not count as a mount.
 */
export function isNetnsMount(path: string): boolean {
  nsfsDev ??= statSync('/proc/self/ns/net').dev
  try {
    return lstatSync(path).dev === nsfsDev
  } catch {
    return false
  }
}

/** The inode of the network namespace at path (following /proc magic links), if it is one. */
export function namespaceInode(path: string): number | undefined {
  nsfsDev ??= statSync('/proc/self/ns/net').dev
  try {
    const st = statSync(path)
    return st.dev === nsfsDev ? st.ino : undefined
  } catch {
    return undefined
  }
}

/** The network namespace of the calling thread (the one patchbay treats as the host), by inode. */
export function ownNetnsInode(): number | undefined {
  return namespaceInode('/proc/thread-self/ns/net')
}

export function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`)
}

/**
 * The machine's own network namespace (init_net), by inode: PID 1's, and kthreadd's, which
 * the kernel keeps in init_net and which stays readable where PID 1's is not (a supervisor
 * that is not dumpable).
 */
export function machineNetnsInodes(): number[] {
  const inodes = [namespaceInode('/proc/1/ns/net')]
  try {
    if (readFileSync('/proc/2/comm', 'utf8').trim() === 'kthreadd') inodes.push(namespaceInode('/proc/2/ns/net'))
  } catch {
    // No PID 2 in this PID namespace: PID 1's is all there is to go by.
  }
  return inodes.filter((i): i is number => i !== undefined)
}

/**
 * The namespace file among `dir/<any>/<sub>/*` that pins the namespace with this inode: how
 * to tell a namespace patchbay made (for any root) from one another runtime made.
 */
export function findNetnsFile(dir: string, sub: string, inode: number): string | undefined {
  for (const run of listDir(dir)) {
    for (const f of listDir(join(dir, run, sub))) if (namespaceInode(join(dir, run, sub, f)) === inode) return join(dir, run, sub, f)
  }
  return undefined
}

/**
 * Creates a new, empty network namespace and pins it by bind-mounting it on path (what
 * `ip netns add` does, minus its /run/netns propagation dance; see below). Idempotent.
 *
 * Mount propagation: ip netns makes /run/netns a shared mount so that mount namespaces cloned
 * later (e.g. by `ip netns exec`) see netns files created after the clone, and receive unmounts.
 * We do not need that for correctness: patchbay only ever opens these files from the mount
 * namespace that created them, and deletion does not depend on propagation because unlinking a
 * mountpoint detaches its mounts in every other mount namespace too (Linux >= 3.18). The e2e
 * test checks that a netns copied into a private mount namespace by execInNetns is still
 * deleted cleanly while that process is running.
 */
export function createNetns(path: string): void {
  if (isNetnsMount(path)) return
  const addon = native()
  crashPoint()
  try {
    mkdirSync(dirname(path), { recursive: true })
    closeSync(openSync(path, 'a'))
  } catch (err) {
    throw asKernelError(err, `create netns ${path}`)
  }
  // A crash here leaves a plain file: restore mounts a namespace over it, or deletes it.
  crashPoint()
  const original = openSync(threadNetnsPath(), 'r')
  try {
    addon.unshare(addon.CLONE_NEWNET)
    try {
      // Still on this thread, so threadNetnsPath() now names the fresh namespace.
      addon.mountBind(threadNetnsPath(), path)
    } finally {
      addon.setns(original, addon.CLONE_NEWNET)
    }
  } catch (err) {
    tryUnlink(path)
    throw asKernelError(err, `create netns ${path}`)
  } finally {
    closeSync(original)
  }
}

/** Unpins and removes a namespace file; the namespace dies once no process or socket uses it. Idempotent. */
export function deleteNetns(path: string): void {
  crashPoint()
  // Loop because two racing createNetns calls can stack two mounts on one path.
  for (let i = 0; i < 16 && isNetnsMount(path); i++) {
    try {
      native().umountDetach(path)
    } catch (err) {
      // EINVAL: not a mountpoint after all (raced with another delete); the unlink below finishes the job.
      if ((err as { code?: string }).code !== 'EINVAL') throw asKernelError(err, `delete netns ${path}`)
      break
    }
  }
  tryUnlink(path)
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw asKernelError(err, `delete netns ${path}`)
  }
}
