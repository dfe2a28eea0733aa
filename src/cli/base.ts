import { Command, Flags } from '@oclif/core'
import { DEFAULT_ROOT } from '../config/paths.js'
import type { AppState } from '../app/state.js'
import { formatError } from './errors.js'
import type { MutationCommand, MutationInput } from './mutation-commands.js'
import type { ReadCommand, ReadInput } from './read-commands.js'

/** Every patchbay command: --root/--debug, and errors printed as one line. */
export abstract class PatchbayCommand extends Command {
  static baseFlags = {
    root: Flags.string({
      description: 'state directory',
      env: 'PATCHBAY_ROOT',
      default: DEFAULT_ROOT,
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ description: 'show stack traces on errors', helpGroup: 'GLOBAL' }),
  }

  /** Commands that change the kernel refuse to start without root, before touching anything. */
  protected static needsRoot = false
  /** Commands that write the state without changing the kernel (admin rebuild). */
  protected static writesState = false
  private debugErrors = false

  /** Runs `fn` with the state open, closing it afterwards. */
  protected async withApp<T>(root: string, fn: (app: AppState) => Promise<T> | T): Promise<T> {
    const ctor = this.constructor as typeof PatchbayCommand
    const { openPerCommand } = await import('./state-access.js')
    return openPerCommand.withApp(root, fn, ctor.needsRoot ? this.id?.replace(':', ' ') : undefined, ctor.needsRoot || ctor.writesState)
  }

  /** A command whose code is shared with the fast path (see read-commands.ts). */
  protected async runRead(command: ReadCommand, input: Omit<ReadInput, 'state'>): Promise<void> {
    const { openPerCommand } = await import('./state-access.js')
    this.out(await command.run({ ...input, state: openPerCommand }))
  }

  protected out(text: string): void {
    process.stdout.write(text)
  }

  /**
   * Output that may be long or endless: waits while the reader is slow, and resolves false
   * once the reader has gone (a pipe into `head`), so the command can stop quietly.
   */
  protected stream(text: string): Promise<boolean> {
    const out = process.stdout
    if (out.destroyed) return Promise.resolve(false)
    if (out.write(text)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const settle = (ok: boolean) => () => {
        out.off('drain', drained).off('error', failed).off('close', failed)
        resolve(ok)
      }
      const drained = settle(true)
      const failed = settle(false)
      out.once('drain', drained).once('error', failed).once('close', failed)
    })
  }

  /** `network history` / `container history`: every incarnation `ref` names, from the log. */
  protected async printHistory(root: string, kind: 'network' | 'container', ref: string, format: string | undefined): Promise<void> {
    const { subjectHistory } = await import('../events/history.js')
    const { renderHistory } = await import('../format/history.js')
    const history = await this.withApp(root, (app) => subjectHistory(app.db, kind, ref))
    await this.stream(renderHistory(history, format))
  }

  /** A mutating command (see mutation-commands.ts), with the flags and args oclif parsed. */
  protected async runMutation(command: MutationCommand, parsed: { argv: unknown[]; flags: { root: string } & MutationInput['flags'] }): Promise<void> {
    const { runMutation } = await import('./operations.js')
    const { processIo } = await import('./io.js')
    await runMutation(this.id!.replaceAll(':', ' '), command, parsed.flags.root, { argv: parsed.argv as string[], flags: parsed.flags }, processIo)
  }

  override async init(): Promise<void> {
    this.debugErrors = this.argv.includes('--debug')
    await super.init()
  }

  override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    if (err.oclif?.exit === 0) return
    process.stderr.write(`${formatError(err, this.debugErrors)}\n`)
    process.exitCode = err.oclif?.exit ?? 1
  }
}
