import type { Command } from '@oclif/core'
import { COMMAND_TABLE, type CommandId } from './cli/command-table.js'
import AdminRebuild from './commands/admin/rebuild.js'
import AdminTeardown from './commands/admin/teardown.js'
import Apply from './commands/apply.js'
import AuditHead from './commands/audit/head.js'
import AuditVerify from './commands/audit/verify.js'
import ContainerCreate from './commands/container/create.js'
import ContainerHistory from './commands/container/history.js'
import ContainerInspect from './commands/container/inspect.js'
import ContainerLs from './commands/container/ls.js'
import ContainerPort from './commands/container/port.js'
import ContainerRm from './commands/container/rm.js'
import DaemonCommand from './commands/daemon.js'
import Events from './commands/events.js'
import Exec from './commands/exec.js'
import Info from './commands/info.js'
import NetworkConnect from './commands/network/connect.js'
import NetworkCreate from './commands/network/create.js'
import NetworkHistory from './commands/network/history.js'
import NetworkDisconnect from './commands/network/disconnect.js'
import NetworkInspect from './commands/network/inspect.js'
import NetworkLs from './commands/network/ls.js'
import NetworkPrune from './commands/network/prune.js'
import NetworkRm from './commands/network/rm.js'
import Restore from './commands/restore.js'

/**
 * oclif's explicit command strategy: the bundle lists its commands instead of scanning folders.
 * Which commands there are, and their aliases, come from the command table.
 */
const CLASSES: Record<CommandId, Command.Class> = {
  'network:ls': NetworkLs,
  'network:create': NetworkCreate,
  'network:inspect': NetworkInspect,
  'network:rm': NetworkRm,
  'network:prune': NetworkPrune,
  'network:connect': NetworkConnect,
  'network:disconnect': NetworkDisconnect,
  'network:history': NetworkHistory,
  'container:create': ContainerCreate,
  'container:ls': ContainerLs,
  'container:rm': ContainerRm,
  'container:inspect': ContainerInspect,
  'container:port': ContainerPort,
  'container:history': ContainerHistory,
  info: Info,
  exec: Exec,
  events: Events,
  restore: Restore,
  'audit:verify': AuditVerify,
  'audit:head': AuditHead,
  'admin:rebuild': AdminRebuild,
  'admin:teardown': AdminTeardown,
  apply: Apply,
  daemon: DaemonCommand,
}

for (const [id, entry] of Object.entries(COMMAND_TABLE) as [CommandId, { aliases?: readonly string[] }][]) CLASSES[id].aliases = [...(entry.aliases ?? [])]

export const COMMANDS = CLASSES
