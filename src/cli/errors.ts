/** What a user sees when a command fails: one line, or the stack trace with --debug. */
export function formatError(err: Error, debug: boolean): string {
  return debug ? (err.stack ?? err.message) : `Error: ${oneLine(err)}`
}

/**
 * oclif's parse errors span several lines; users get one, pointing at the command's help
 * (`help`: `patchbay run --help` for a line of apply).
 */
export function oneLine(err: Error, help = '--help'): string {
  const lines = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('See more help'))
  const text = lines.join(' ').replace(/^Error: /, '').replace(/ Note: .*$/, '').replace(/:\s*$/, '')
  const fromParser = err.name === 'CLIError' || /^(Nonexistent flag|Unexpected argument|Missing \d+ required arg|Expected )/.test(text)
  return fromParser ? `${text} (see ${help})` : text
}
