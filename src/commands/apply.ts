import { createReadStream } from 'node:fs'
import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Apply extends PatchbayCommand {
  static description =
    'Apply many changes in one process: one command per line (network create/rm/connect/disconnect, run, container create, rm), as you would type it after "patchbay"'
  static needsRoot = true
  static examples = [
    '<%= config.bin %> apply -f topology.txt',
    'printf "network create n1\\nrun --name c1 --net n1\\n" | <%= config.bin %> apply',
  ]
  static flags = {
    file: Flags.string({ char: 'f', description: 'read the commands from this file; - (the default when stdin is not a terminal) reads stdin' }),
    'continue-on-error': Flags.boolean({ description: 'go on after a line fails, and exit 1 at the end' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Apply)
    const { UserError } = await import('../core/errors.js')
    const { hostFacts } = await import('../app/host-facts.js')
    const { lineError, planBatch } = await import('../cli/batch.js')
    const { oneLine } = await import('../cli/errors.js')
    const lines = await planBatch(await readInput(flags.file), this.config)
    const host = hostFacts()
    const failed = await this.withApp(flags.root, async (app) => {
      const { MutationSession } = await import('../app/mutate.js')
      const { applyLine } = await import('../cli/operations.js')
      const { clusterLinkFor } = await import('../cluster/link.js')
      const cluster = clusterLinkFor(app.paths)
      const session = new MutationSession(app, { deferHostsFiles: true, cluster })
      const failed: string[] = []
      try {
        for (const line of lines) {
          try {
            await applyLine(session, host, line.ops, (text) => this.out(text), { argv: line.argv })
          } catch (err) {
            failed.push(lineError(line.number, oneLine(err as Error)))
            if (!flags['continue-on-error']) break
            process.stderr.write(`Error: ${failed.at(-1)}\n`)
          }
        }
        session.flushHostsFiles()
      } finally {
        session.close()
        await cluster?.close()
      }
      return failed
    })
    if (failed.length === 0) return
    if (!flags['continue-on-error']) throw new UserError(failed[0]!)
    throw new UserError(`${failed.length} of ${lines.length} lines failed`)
  }
}

/** A batch is read whole before anything is applied; real ones are far smaller (a line is ~50 bytes). */
const MAX_INPUT_MIB = 64

/** The batch's bytes, from a file or stdin; reading stops as soon as they pass MAX_INPUT_MIB (/dev/zero never ends). */
async function readInput(file: string | undefined): Promise<Buffer> {
  const { UserError } = await import('../core/errors.js')
  if (file === undefined && process.stdin.isTTY) {
    throw new UserError('apply reads commands from a file (-f FILE) or from stdin (-f -), not from a terminal')
  }
  const stdin = file === undefined || file === '-'
  const chunks: Buffer[] = []
  let size = 0
  try {
    // Leaving the loop early destroys the stream: nothing more is read.
    for await (const chunk of stdin ? process.stdin : createReadStream(file)) {
      size += (chunk as Buffer).length
      if (size > MAX_INPUT_MIB * 1024 * 1024) throw new UserError(`apply: input is larger than ${MAX_INPUT_MIB} MiB; split it into several applies`)
      chunks.push(chunk as Buffer)
    }
  } catch (err) {
    if (stdin || err instanceof UserError) throw err
    throw new UserError(`cannot read ${file}: ${(err as Error).message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`)
  }
  return Buffer.concat(chunks, size)
}
