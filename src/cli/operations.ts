import type { HostFacts } from '../app/host-facts.js'
import type { MutationSession } from '../app/mutate.js'
import type { Actor } from '../events/types.js'
import type { Io } from './io.js'
import type { MutationCommand, MutationInput, Operation } from './mutation-commands.js'

/** An oclif command class that changes things: its code is a MutationCommand (apply takes these). */
export interface MutationCommandClass {
  mutation: MutationCommand
}

export function isMutationCommand(c: unknown): c is MutationCommandClass {
  return typeof (c as Partial<MutationCommandClass>).mutation?.operations === 'function'
}

/**
 * Applies one command line's operations as docker does with several names: each that
 * succeeds prints its output; the failures are reported together (one is rethrown as it is).
 */
export async function applyLine(session: MutationSession, host: HostFacts, ops: Operation[], out: (text: string) => void, actor?: Partial<Actor>): Promise<void> {
  const failures: Error[] = []
  for (const op of ops) {
    try {
      out(await op.run({ session, host, actor }))
    } catch (err) {
      failures.push(err as Error)
    }
  }
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new Error(failures.map((e) => e.message).join('; '))
}

/**
 * A mutating command run on its own (from oclif, the fast path or the daemon): refuses without
 * root, then applies the line's operations, printing each one's output to `io`.
 */
export async function runMutation(name: string, command: MutationCommand, root: string, input: MutationInput, io: Io): Promise<void> {
  await io.state.withApp(
    root,
    async (app) => {
      const { hostFacts } = await import('../app/host-facts.js')
      const { MutationSession } = await import('../app/mutate.js')
      const { clusterLinkFor } = await import('../cluster/link.js')
      const host = hostFacts()
      const ops = await command.operations(input)
      const cluster = io.cluster ?? clusterLinkFor(app.paths)
      const session = new MutationSession(app, { warn: io.err, cluster })
      try {
        await applyLine(session, host, ops, io.out, io.actor)
      } finally {
        session.close()
        if (cluster !== io.cluster) await cluster?.close()
      }
    },
    name,
  )
}
