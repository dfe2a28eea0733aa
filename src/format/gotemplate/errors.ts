/** Any parse or execution failure. The message is one line, shaped like Go's. */
export class TemplateError extends Error {
  override name = 'TemplateError';

  constructor(message: string) {
    // Callers print this straight to a terminal, so never let it span lines.
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}
