import { describe, expect, it } from 'vitest'
import { actorName, commandLine } from '../../src/format/events.js'
import type { Actor } from '../../src/events/types.js'

const actor = (argv: string[], more: Partial<Actor> = {}): Actor => ({ uid: 0, user: 'root', sudoUser: null, pid: 1, argv, ...more })

describe('the command line of an event, as the audit trail prints it', () => {
  it('quotes as a shell takes it back', () => {
    expect(commandLine(actor(['network', 'create', '--label', 'owner=web team', 'n1']))).toBe("patchbay network create --label 'owner=web team' n1")
    expect(commandLine(actor(['run', "--name=it's"]))).toBe("patchbay run '--name=it'\\''s'")
  })

  it('never spans lines: control characters are escapes in $\'…\'', () => {
    const line = commandLine(actor(['network', 'create', '--label', "a=b\n2026-12-06T10:00:00Z NetworkRemoved network web by alice", 'n1']))
    expect(line).toBe("patchbay network create --label $'a=b\\n2026-12-06T10:00:00Z NetworkRemoved network web by alice' n1")
    expect(commandLine(actor(["x\ty\\z'\x1b[31m"]))).toBe("patchbay $'x\\ty\\\\z\\'\\x1b[31m'")
  })

  it('a sudo user with a newline stays on its line', () => {
    expect(actorName(actor([], { sudoUser: 'mallory\nroot' }))).toBe('mallory\\nroot (sudo as root)')
  })
})
