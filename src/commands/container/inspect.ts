import { Args, Flags } from '@oclif/core'
import { PatchbayCommand, atFlag } from '../../cli/base.js'

export default class ContainerInspect extends PatchbayCommand {
  static description = 'Display detailed information on one or more containers'
  static aliases = ['inspect']
  static strict = false
  static examples = [
    '<%= config.bin %> inspect container2',
    "<%= config.bin %> inspect --format='{{.NetworkSettings.Networks}}' container2",
    "<%= config.bin %> inspect -f '{{range $net, $ep := .NetworkSettings.Networks}}{{$net}} {{$ep.IPAddress}}{{println}}{{end}}' container2",
  ]
  static args = { container: Args.string({ required: true, description: 'container name or ID' }) }
  static flags = { format: Flags.string({ char: 'f', description: 'format output using a Go template' }), at: atFlag }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerInspect)
    const { containerInspectView } = await import('../../format/container-inspect.js')
    const { UserError } = await import('../../core/errors.js')
    const views = await this.withState(flags.root, flags.at, (state) => {
      const networks = new Map(state.networks().map((n) => [n.id, n]))
      return (argv as string[]).map((ref) => {
        const c = state.findContainer(ref)
        if (!c) throw new UserError(`No such container: ${ref}`)
        return containerInspectView(c, state.endpointsOfContainer(c.id), networks)
      })
    })
    await this.printInspect(views, flags.format)
  }
}
