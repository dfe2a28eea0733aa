import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class ContainerRm extends PatchbayCommand {
  static description = 'Remove one or more containers: disconnect them and delete the namespaces patchbay created'
  static aliases = ['rm', 'container:remove']
  static needsRoot = true
  static strict = false
  static examples = ['<%= config.bin %> rm container3']
  static args = { container: Args.string({ required: true, description: 'container name or ID' }) }
  static flags = {
    force: Flags.boolean({ char: 'f', description: 'remove even if the kernel refuses part of the teardown' }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerRm)
    const { decideContainerRemove } = await import('../../core/container-remove.js')
    await this.mutateEach(flags.root, argv as string[], 'rm', (ref) => (ctx) => decideContainerRemove(ref, ctx), { force: flags.force })
  }
}
