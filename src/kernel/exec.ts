import { spawnSync } from 'node:child_process'
import { constants } from 'node:os'
import { withNetns } from './netns.js'

export interface ExecInNetns {
  /** undefined = the caller's current netns */
  netnsPath?: string
  /** bind-mounted over /etc/hosts for this command only */
  hostsFile?: string
  /** bind-mounted over /etc/resolv.conf, with hostsFile */
  resolvFile?: string
  argv: string[]
}

/**
 * Shell snippet run by unshare: $0 is the hosts file, "$@" the command. The mount happens in a
 * private mount namespace, so the host's /etc/hosts is never touched and the mount disappears
 * with the command. exec keeps the command as the direct child, so its exit code comes back as is.
 */
const MOUNT_HOSTS_THEN_EXEC = 'mount --bind "$0" /etc/hosts && exec "$@"'
/** Same, with $1 over /etc/resolv.conf (when the host has one to cover). */
const MOUNT_BOTH_THEN_EXEC =
  'mount --bind "$0" /etc/hosts && { [ ! -e /etc/resolv.conf ] || mount --bind "$1" /etc/resolv.conf; } && shift && exec "$@"'

/**
 * Runs a command with inherited stdio inside a netns and returns its exit status like a shell:
 * the exit code, 128+n when killed by signal n, 127 when the command cannot be found.
 * The child is spawned from this thread while it is switched into the netns (children inherit
 * the spawning thread's namespaces), which saves an nsenter exec per call.
 */
export function execInNetns(o: ExecInNetns): number {
  if (o.argv.length === 0) throw new Error('execInNetns: empty command')
  const mounts = o.resolvFile ? [MOUNT_BOTH_THEN_EXEC, o.hostsFile!, o.resolvFile] : [MOUNT_HOSTS_THEN_EXEC, o.hostsFile!]
  const [file, ...args] = o.hostsFile
    ? ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', ...mounts, ...o.argv]
    : o.argv
  const run = () => spawnSync(file!, args, { stdio: 'inherit' })
  const res = o.netnsPath === undefined ? run() : withNetns(o.netnsPath, run)
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code
    process.stderr.write(`${file}: ${code === 'ENOENT' ? 'command not found' : res.error.message}\n`)
    return code === 'ENOENT' ? 127 : 126
  }
  if (res.signal) return 128 + (constants.signals[res.signal] ?? 0)
  return res.status ?? 1
}
