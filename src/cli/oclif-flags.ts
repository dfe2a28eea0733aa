import { Flags, type Interfaces } from '@oclif/core'
import type { FlagSpecs } from './flag-spec.js'

/**
 * A flag given any number of times, [] when absent. Help would print that default as
 * "[default: ]"; an empty list is no default worth showing.
 */
export function stringList(options: { description: string; char?: Interfaces.AlphabetLowercase; aliases?: string[] }) {
  return Flags.string({ ...options, multiple: true, multipleNonGreedy: true, default: [], defaultHelp: async () => undefined })
}

/** oclif flag definitions for specs shared with the fast path. */
export function oclifFlags(specs: FlagSpecs): Interfaces.FlagInput<any> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => {
      // oclif types `char` as a union of letters; the specs hold plain strings.
      const common = { description: s.description, char: s.short as Interfaces.AlphabetLowercase | undefined, aliases: s.aliases }
      if (s.type === 'boolean') return [name, Flags.boolean(common)]
      if (s.type === 'integer') return [name, Flags.integer(common)]
      if (s.multiple) return [name, stringList(common)]
      return [name, Flags.string({ ...common, default: s.default })]
    }),
  )
}
