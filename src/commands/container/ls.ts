import { Flags } from '@oclif/core'
import { PatchbayCommand, atFlag } from '../../cli/base.js'

export default class ContainerLs extends PatchbayCommand {
  static description = 'List containers'
  static aliases = ['ps', 'container:list', 'container:ps']
  static examples = ['<%= config.bin %> container ls', "<%= config.bin %> ps --format '{{.Names}} {{.Networks}}'"]
  static flags = {
    quiet: Flags.boolean({ char: 'q', description: 'only display container IDs' }),
    'no-trunc': Flags.boolean({ description: 'do not truncate the output' }),
    format: Flags.string({ description: 'format output using a Go template' }),
    at: atFlag,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(ContainerLs)
    const noTrunc = flags['no-trunc']
    const views = await this.withState(flags.root, flags.at, (state) => {
      const names = new Map(state.networks().map((n) => [n.id, n.name]))
      return state.containers().map((c) => ({
        ID: noTrunc ? c.id : c.id.slice(0, 12),
        Names: c.name,
        Networks: state.endpointsOfContainer(c.id).map((e) => names.get(e.networkId)).join(','),
        CreatedAt: c.created,
      }))
    })
    if (flags.quiet) return this.out(views.map((v) => `${v.ID}\n`).join(''))
    if (flags.format) {
      const { renderTemplateLines } = await import('../../format/template-output.js')
      return this.out(renderTemplateLines(flags.format, views))
    }
    const { renderTable } = await import('../../format/table.js')
    this.out(renderTable(['CONTAINER ID', 'NAMES', 'NETWORKS'], views.map((v) => [v.ID, v.Names, v.Networks])))
  }
}
