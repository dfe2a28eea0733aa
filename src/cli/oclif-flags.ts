import { Flags, type Interfaces } from '@oclif/core'
import type { FlagSpecs } from './flag-spec.js'

/** oclif flag definitions for specs shared with the fast path. */
export function oclifFlags(specs: FlagSpecs): Interfaces.FlagInput<any> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => {
      // oclif types `char` as a union of letters; the specs hold plain strings.
      const common = { description: s.description, char: s.short as 'a' | undefined, aliases: s.aliases }
      if (s.type === 'boolean') return [name, Flags.boolean(common)]
      if (s.type === 'integer') return [name, Flags.integer(common)]
      if (s.multiple) return [name, Flags.string({ ...common, multiple: true, multipleNonGreedy: true, default: [] })]
      return [name, Flags.string({ ...common, default: s.default })]
    }),
  )
}
