import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Events extends PatchbayCommand {
  static description = 'Show the event log: every change, who made it and when'
  static examples = ['<%= config.bin %> events', '<%= config.bin %> events --format json', "<%= config.bin %> events --format '{{.Seq}} {{.Type}}'"]
  static flags = {
    format: Flags.string({ description: 'json (one object a line) or a Go template over {Seq, Time, Type, Host, Actor.{User,Uid,SudoUser,Pid,Argv}, Subject, Payload, Hash}' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Events)
    const { readEvents } = await import('../events/store.js')
    const fmt = await import('../format/events.js')
    const render = await lineRenderer(flags.format, fmt)
    await this.withApp(flags.root, (app) => {
      for (const e of readEvents(app.db)) this.out(render(e))
    })
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
