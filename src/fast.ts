import { processIo } from './cli/io.js'
import { hotCall } from './cli/hot-commands.js'

export { loadHotModules } from './cli/hot-commands.js'

/**
 * The fast path (dist/fast.cjs, CommonJS: Node's ESM loader alone costs ~15 ms): runs argv if
 * it is a hot command; false means "not mine, hand it to oclif".
 */
export async function main(argv: string[]): Promise<boolean> {
  const call = hotCall(argv, process.env, process.cwd())
  if (!call) return false
  const code = await call.run(processIo)
  if (code !== 0) process.exitCode = code
  return true
}
