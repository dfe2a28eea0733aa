import { UserError } from '../core/errors.js'
import { TemplateError, renderTemplate } from './gotemplate/index.js'

/**
 * docker's --format: `json` prints each item as one JSON line, anything else is a Go
 * template applied to each item, one output line per item.
 */
export function renderTemplateLines(format: string, items: unknown[]): string {
  if (format === 'json') return items.map((i) => `${JSON.stringify(i)}\n`).join('')
  try {
    return items.map((i) => `${renderTemplate(format, i)}\n`).join('')
  } catch (err) {
    if (err instanceof TemplateError) throw new UserError(`invalid --format: ${err.message}`)
    throw err
  }
}
