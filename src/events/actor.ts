import { hostname, userInfo } from 'node:os'
import type { Actor } from './types.js'

/** Who is acting: recorded with every event for the audit trail. */
export function currentActor(): Actor {
  const uid = process.getuid?.() ?? -1
  let user = String(uid)
  try {
    user = userInfo().username
  } catch {
    // A uid without a passwd entry (containers, CI) still gets recorded by number.
  }
  return { uid, user, sudoUser: process.env.SUDO_USER || null, pid: process.pid, argv: process.argv.slice(2) }
}

export function currentHost(): string {
  return hostname()
}
