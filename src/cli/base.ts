import { Command, Flags } from '@oclif/core'
import { DEFAULT_ROOT } from '../config/paths.js'
import type { AppState } from '../app/state.js'
import type { Decide, MutateOptions } from '../app/mutate.js'
import type { StateQueries } from '../projections/queries.js'

/** `--at T` on the commands that show state: the state as it was then, replayed from the log. */
export const atFlag = Flags.string({
  description: 'show the state as it was at T: seq:N, an RFC 3339 time, Unix seconds, or a duration such as 10m (that long ago)',
})

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
  private debugErrors = false

  protected async openApp(root: string): Promise<AppState> {
    const ctor = this.constructor as typeof PatchbayCommand
    if (ctor.needsRoot && process.getuid?.() !== 0) {
      const { UserError } = await import('../core/errors.js')
      throw new UserError(`patchbay ${this.id?.replace(':', ' ')} needs root to change network namespaces (try sudo)`)
    }
    const { openState } = await import('../app/state.js')
    try {
      return openState(root)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Opening the log writes to it (WAL, migrations): reading needs write access too.
      if (code === 'EACCES' || code?.startsWith('SQLITE_CANTOPEN') || code?.startsWith('SQLITE_READONLY')) {
        const { UserError } = await import('../core/errors.js')
        throw new UserError(`cannot open patchbay state in ${root}: permission denied (run as root, or give --root a directory you own)`)
      }
      throw err
    }
  }

  /** Runs `fn` with the state open, closing it afterwards. */
  protected async withApp<T>(root: string, fn: (app: AppState) => Promise<T> | T): Promise<T> {
    const app = await this.openApp(root)
    try {
      return await fn(app)
    } finally {
      app.close()
    }
  }

  /** Runs `fn` over the live projections, or with `at` over the state as it was then. */
  protected async withState<T>(root: string, at: string | undefined, fn: (state: StateQueries) => T): Promise<T> {
    return this.withApp(root, async (app) => {
      if (at === undefined) return fn(app.state)
      const { stateAt } = await import('../app/state-at.js')
      const replay = stateAt(app.db, at)
      try {
        return fn(replay.state)
      } finally {
        replay.close()
      }
    })
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

  /** inspect's output: a JSON array like docker's, or one line per object with --format. */
  protected async printInspect(views: unknown[], format: string | undefined): Promise<void> {
    if (format) {
      const { renderTemplateLines } = await import('../format/template-output.js')
      return this.out(renderTemplateLines(format, views))
    }
    const { renderJsonArray } = await import('../format/table.js')
    this.out(renderJsonArray(views))
  }

  /** `network history` / `container history`: every incarnation `ref` names, from the log. */
  protected async printHistory(root: string, kind: 'network' | 'container', ref: string, format: string | undefined): Promise<void> {
    const { subjectHistory } = await import('../events/history.js')
    const { renderHistory } = await import('../format/history.js')
    const history = await this.withApp(root, (app) => subjectHistory(app.db, kind, ref))
    await this.stream(renderHistory(history, format))
  }

  /**
   * Applies one mutation per name, like docker's rm: each that succeeds prints its name, the
   * others are reported together and make the command fail.
   */
  protected async mutateEach(root: string, refs: string[], command: string, decideFor: (ref: string) => Decide, opts: MutateOptions = {}): Promise<void> {
    const { mutate } = await import('../app/mutate.js')
    const failures = await this.withApp(root, async (app) => {
      const errors: string[] = []
      for (const ref of refs) {
        try {
          await mutate(app, command, decideFor(ref), opts)
          this.out(`${ref}\n`)
        } catch (err) {
          errors.push((err as Error).message)
        }
      }
      return errors
    })
    if (failures.length > 0) throw new Error(failures.join('; '))
  }

  override async init(): Promise<void> {
    this.debugErrors = this.argv.includes('--debug')
    await super.init()
  }

  override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    if (err.oclif?.exit === 0) return
    if (this.debugErrors) process.stderr.write(`${err.stack ?? err.message}\n`)
    else process.stderr.write(`Error: ${oneLine(err)}\n`)
    process.exitCode = err.oclif?.exit ?? 1
  }
}

/** oclif's parse errors span several lines; users get one, pointing at --help. */
function oneLine(err: Error): string {
  const lines = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('See more help'))
  const text = lines.join(' ').replace(/^Error: /, '').replace(/ Note: .*$/, '').replace(/:\s*$/, '')
  const fromParser = err.name === 'CLIError' || /^(Nonexistent flag|Unexpected argument|Missing \d+ required arg|Expected )/.test(text)
  return fromParser ? `${text} (see --help)` : text
}
