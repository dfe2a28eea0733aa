import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'
import { stringList } from '../cli/oclif-flags.js'

export default class Events extends PatchbayCommand {
  static description = 'Show the event log: every change, who made it and when'
  static examples = [
    '<%= config.bin %> events',
    '<%= config.bin %> events --since 2h -f network=isolated_nw -f event=connect -f event=disconnect',
    '<%= config.bin %> events --follow --format json',
    "<%= config.bin %> events --format '{{.Seq}} {{.Type}} {{.Actor.User}}'",
  ]
  static flags = {
    filter: stringList({ char: 'f', description: 'filter output (type=, event=, network=, container=, actor=); one key ORed, keys ANDed' }),
    since: Flags.string({ description: 'events from this time on: RFC 3339, Unix seconds, or a duration ago (10m, 2h)' }),
    until: Flags.string({ description: 'events up to this time (same forms as --since)' }),
    follow: Flags.boolean({ description: 'after the history, keep printing new events until interrupted (or until --until)' }),
    format: Flags.string({
      description: 'json (one object a line) or a Go template over {Seq, Time, Type, Action, Host, Actor.{User,Uid,SudoUser,Pid,Argv}, Subject, Payload, Hash}',
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Events)
    const { parseFilters } = await import('../format/filters.js')
    const { parseTimeSpec, storedTimeBound } = await import('../core/time-spec.js')
    const { EVENT_FILTERS, EVENT_FILTER_VALUES, eventSelection } = await import('../events/event-filter.js')
    const filters = parseFilters(flags.filter, EVENT_FILTERS, EVENT_FILTER_VALUES)
    const now = new Date()
    const time = (spec: string | undefined) => (spec === undefined ? undefined : storedTimeBound(parseTimeSpec(spec, now)))
    const window = { since: time(flags.since), until: time(flags.until) }
    const render = await lineRenderer(flags.format, await import('../format/events.js'))
    const { eventPages, windowSeqs } = await import('../events/store.js')
    const { followEvents } = await import('../events/follow.js')
    const { filterRef } = await import('../events/incarnations.js')
    // A follower ends on SIGINT/SIGTERM by finishing normally (exit 0, nothing on stderr).
    const stop = new AbortController()
    const interrupted = (): void => stop.abort()
    if (flags.follow) process.once('SIGINT', interrupted).once('SIGTERM', interrupted)
    try {
      await this.withApp(flags.root, async (app) => {
        for (const kind of ['network', 'container'] as const) {
          const refs = filters.get(kind)
          if (refs) filters.set(kind, refs.map((ref) => filterRef(app.db, kind, ref)))
        }
        const sel = eventSelection(filters, window)
        const range = windowSeqs(app.db, window)
        const pages = flags.follow
          ? followEvents(app.db, sel, { after: range.after, walFile: `${app.paths.db}-wal`, until: window.until, signal: stop.signal })
          : eventPages(app.db, sel, range)
        for await (const page of pages) if (!(await this.stream(page.map(render).join('')))) return
      })
    } finally {
      process.off('SIGINT', interrupted).off('SIGTERM', interrupted)
    }
  }
}

type EventsFormat = typeof import('../format/events.js')
type Stored = Parameters<EventsFormat['eventJson']>[0]

async function lineRenderer(format: string | undefined, fmt: EventsFormat): Promise<(e: Stored) => string> {
  if (format === undefined) return fmt.renderEventLine
  if (format === 'json') return (e) => `${JSON.stringify(fmt.eventJson(e))}\n`
  const { renderTemplateLines } = await import('../format/template-output.js')
  return (e) => renderTemplateLines(format, [fmt.eventTemplateView(e)])
}
