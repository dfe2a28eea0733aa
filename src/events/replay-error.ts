/** An event the projections cannot take: only a log the append path did not write has one. */
export class ReplayError extends Error {
  static at(seq: number, reason: string): ReplayError {
    return new ReplayError(`event ${seq} cannot be replayed (${reason}); run patchbay audit verify`)
  }
}
