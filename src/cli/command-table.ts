import { type MutationCommand, containerCreate, containerRm, networkConnect, networkCreate, networkDisconnect, networkRm } from './mutation-commands.js'
import { type ReadCommand, containerInspect, containerLs, containerPort, networkInspect, networkLs } from './read-commands.js'

/** One command: its other names, and its code when the fast path and the daemon run it too. */
interface CommandEntry {
  aliases?: readonly string[]
  /** A command that only shows state. */
  read?: ReadCommand
  /** A command that changes things (apply takes these too). */
  mutation?: MutationCommand
}

/**
 * Every command, by oclif id (`network:ls`), in the order `--help` lists them. The one list:
 * src/commands.ts gives each id its oclif class (TypeScript insists on every one) and its
 * aliases from here; the fast path and the daemon run the ones with code here (the hot
 * commands, src/cli/hot-commands.ts) by every name they have. Without oclif, so the fast path
 * can load it.
 */
export const COMMAND_TABLE = {
  'network:ls': { aliases: ['network:list'], read: networkLs },
  'network:create': { mutation: networkCreate },
  'network:inspect': { read: networkInspect },
  'network:rm': { aliases: ['network:remove'], mutation: networkRm },
  'network:prune': {},
  'network:connect': { mutation: networkConnect },
  'network:disconnect': { mutation: networkDisconnect },
  'network:history': {},
  'container:create': { aliases: ['run', 'container:run'], mutation: containerCreate },
  'container:ls': { aliases: ['ps', 'container:list', 'container:ps'], read: containerLs },
  'container:rm': { aliases: ['rm', 'container:remove'], mutation: containerRm },
  'container:inspect': { aliases: ['inspect'], read: containerInspect },
  'container:port': { aliases: ['port'], read: containerPort },
  'container:history': {},
  info: { aliases: ['system:info'] },
  exec: {},
  events: {},
  restore: {},
  'audit:verify': {},
  'audit:head': {},
  'admin:rebuild': {},
  'admin:teardown': {},
  apply: {},
  daemon: {},
} as const satisfies Record<string, CommandEntry>

export type CommandId = keyof typeof COMMAND_TABLE

/** A command as typed (`network ls`) from an oclif id (`network:ls`). */
export const spoken = (id: string): string => id.replaceAll(':', ' ')
