import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

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

  /** One removal per name, each printing the name once it is gone. */
  static async operations({ argv, flags }: ParsedLine<typeof ContainerRm>): Promise<Operation[]> {
    const { decideContainerRemove } = await import('../../core/container-remove.js')
    return (argv as string[]).map((ref) => ({
      command: 'rm',
      decide: (ctx) => decideContainerRemove(ref, ctx),
      options: { force: flags.force },
      output: () => `${ref}\n`,
    }))
  }

  async run(): Promise<void> {
    const parsed = await this.parse(ContainerRm)
    await this.applyOperations(parsed.flags.root, await ContainerRm.operations(parsed))
  }
}
