import { Flags } from '@oclif/core'
import { PatchbayCommand, atFlag } from '../../cli/base.js'

export default class NetworkLs extends PatchbayCommand {
  static description = 'List networks'
  static aliases = ['network:list']
  static examples = ['<%= config.bin %> network ls', '<%= config.bin %> network ls -f driver=bridge -q', '<%= config.bin %> network ls --at seq:42']
  static flags = {
    quiet: Flags.boolean({ char: 'q', description: 'only display network IDs' }),
    'no-trunc': Flags.boolean({ description: 'do not truncate the output' }),
    filter: Flags.string({ char: 'f', description: 'filter output (name=, id=, driver=, label=, scope=, type=)', multiple: true, multipleNonGreedy: true, default: [] }),
    format: Flags.string({ description: 'format output using a Go template' }),
    at: atFlag,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(NetworkLs)
    const { parseFilters, networkMatches, NETWORK_FILTERS } = await import('../../format/filters.js')
    const filters = parseFilters(flags.filter, NETWORK_FILTERS)
    const nets = await this.withState(flags.root, flags.at, (state) => state.networks().filter((n) => networkMatches(n, filters)))
    const noTrunc = flags['no-trunc']
    if (flags.quiet) return this.out(nets.map((n) => `${noTrunc ? n.id : n.id.slice(0, 12)}\n`).join(''))
    const { networkListView } = await import('../../format/network-inspect.js')
    if (flags.format) {
      const { renderTemplateLines } = await import('../../format/template-output.js')
      return this.out(renderTemplateLines(flags.format, nets.map((n) => networkListView(n, noTrunc))))
    }
    const { renderTable } = await import('../../format/table.js')
    const rows = nets.map((n) => networkListView(n, noTrunc)).map((v) => [v.ID, v.Name, v.Driver, v.Scope])
    this.out(renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], rows))
  }
}
