/**
 * A command's flags, written once and read by two parsers: oclif (help, errors, every command)
 * and the fast path's node:util parseArgs (the hot commands, without loading oclif).
 */
export interface FlagSpec {
  type: 'boolean' | 'string' | 'integer'
  short?: string
  multiple?: boolean
  /** Other long names for it (`--net` for `--network`). */
  aliases?: string[]
  default?: string
  description: string
}

export type FlagSpecs = Record<string, FlagSpec>

/** `--at T` on the commands that show state: the state as it was then, replayed from the log. */
export const AT_FLAG: FlagSpec = {
  type: 'string',
  description: 'show the state as it was at T: seq:N, an RFC 3339 time, Unix seconds, or a duration such as 10m (that long ago)',
}

/** What every command accepts besides its own flags. */
export const GLOBAL_FLAGS: FlagSpecs = {
  root: { type: 'string', description: 'state directory' },
  debug: { type: 'boolean', description: 'show stack traces on errors' },
}
