import type { Interfaces } from '@oclif/core'
import type { HostFacts } from '../app/host-facts.js'
import type { Decide, MutateOptions, MutationSession } from '../app/mutate.js'
import type { StoredEvent } from '../events/types.js'

/** One change a command line asks for, and what the command prints once it is made. */
export interface Operation {
  /** The command as a failure of it is logged: 'network create', 'run', 'rm'. */
  command: string
  decide: Decide
  options?: MutateOptions
  /** What the command prints once the change is committed: an ID, a name, or nothing. */
  output(stored: StoredEvent[]): string
}

/** A command line as oclif parses it with a command's own flags and args (no --root/--debug). */
export interface ParsedLine<C extends { flags?: Interfaces.FlagInput; args?: Interfaces.ArgInput }> {
  flags: Interfaces.InferredFlags<C['flags']>
  args: Interfaces.InferredArgs<C['args']>
  argv: unknown[]
}

/**
 * A command that changes things, seen without oclif's process: its flags and args, and how a
 * parsed line becomes its operations (host facts are read through `host`, once per process).
 * The command runs its operations on its own; `apply` runs many lines' in one process.
 */
export interface MutationCommandClass {
  flags?: Interfaces.FlagInput
  args?: Interfaces.ArgInput
  strict?: boolean
  operations(parsed: Interfaces.ParserOutput, host: HostFacts): Promise<Operation[]>
}

export function isMutationCommand(c: unknown): c is MutationCommandClass {
  return typeof (c as Partial<MutationCommandClass>).operations === 'function'
}

/**
 * Applies one command line's operations as docker does with several names: each that
 * succeeds prints its output; the failures are reported together (one is rethrown as it is).
 */
export async function applyLine(session: MutationSession, ops: Operation[], out: (text: string) => void, argv?: string[]): Promise<void> {
  const failures: Error[] = []
  for (const op of ops) {
    try {
      out(op.output(await session.mutate(op.command, op.decide, { ...op.options, argv })))
    } catch (err) {
      failures.push(err as Error)
    }
  }
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new Error(failures.map((e) => e.message).join('; '))
}
