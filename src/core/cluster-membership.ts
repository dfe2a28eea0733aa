import type { NewEvent } from '../events/types.js'
import type { DecideContext } from './context.js'

/** This host is up at `advertise`: nothing to record when the log already says so. */
export function decideHostJoined(host: string, advertise: string, ctx: DecideContext): NewEvent[] {
  const now = ctx.state.hosts().find((h) => h.name === host)
  return now?.up && now.advertise === advertise ? [] : [{ type: 'HostJoined', payload: { host, advertise } }]
}

/** Another host stopped answering: nothing to record when the log already has it down (another host said so first). */
export function decideHostLeft(host: string, reason: string, ctx: DecideContext): NewEvent[] {
  return ctx.state.hosts().find((h) => h.name === host)?.up ? [{ type: 'HostLeft', payload: { host, reason } }] : []
}
