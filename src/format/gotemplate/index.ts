// Go text/template, as docker's --format uses it: Go's builtins plus docker's
// json/join/split/title/lower/upper/pad/truncate, over plain JS data.
import type { Node } from './ast.js';
import { TemplateError } from './errors.js';
import { execute } from './exec.js';
import { parse } from './parse.js';

export { TemplateError } from './errors.js';
export { GO_STRING } from './values.js';

// `ls --format` renders one template per row: keep the last parse.
let cached: { template: string; tree: Node[] } | undefined;

/** Parse and execute a Go template against `data`. Throws TemplateError. */
export function renderTemplate(template: string, data: unknown): string {
  if (cached?.template !== template) cached = { template, tree: parse(template) };
  try {
    return execute(template, cached.tree, data);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    // Not ours, e.g. a stack overflow printing cyclic data.
    throw new TemplateError(`template: executing "": ${e instanceof Error ? e.message : String(e)}`);
  }
}
