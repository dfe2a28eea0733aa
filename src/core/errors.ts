/** An error the user caused and can fix: printed as one line, never with a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserError'
  }
}
