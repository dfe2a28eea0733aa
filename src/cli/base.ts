import { Command, Flags } from '@oclif/core'
import { DEFAULT_ROOT } from '../config/paths.js'
import type { AppState } from '../app/state.js'

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
      if (code === 'EACCES' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
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

  protected out(text: string): void {
    process.stdout.write(text)
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
