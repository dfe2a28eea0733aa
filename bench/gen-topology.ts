/**
 * Writes the log of a large, live topology into a fresh state root, as if the host had just
 * rebooted: N bridge networks with M containers each, every event through the real append
 * path (decide functions, hash chain, projectors), nothing applied to the kernel. `restore`
 * then has to build all of it, which is what bench/restore.mjs times.
 *
 * Built into dist/gen-topology.js by `npm run build`:
 *   node dist/gen-topology.js --root DIR --networks 100 --containers 10
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { pathsFor } from '../src/config/paths.js'
import { newId, nowIso, openState } from '../src/app/state.js'
import { decideContainerCreate } from '../src/core/container-create.js'
import type { DecideContext } from '../src/core/context.js'
import { decideNetworkCreate } from '../src/core/network-create.js'
import type { NewEvent } from '../src/events/types.js'

const { values } = parseArgs({
  options: { root: { type: 'string' }, networks: { type: 'string', default: '1' }, containers: { type: 'string', default: '10' } },
})
if (!values.root) {
  process.stderr.write('usage: node dist/gen-topology.js --root DIR --networks N --containers M\n')
  process.exit(2)
}
const networks = Number(values.networks)
const perNetwork = Number(values.containers)
if (existsSync(pathsFor(values.root).db)) {
  process.stderr.write(`gen-topology: a state exists in ${values.root}; give a fresh --root\n`)
  process.exit(2)
}
if (networks > (perNetwork > 250 ? 256 : 65_536) || perNetwork > 65_000) throw new Error('too many networks or containers for 10.0.0.0/8')

const app = await openState(values.root)
await app.loadSchema()
const decide = (fn: (ctx: DecideContext) => NewEvent[]) => app.append(fn({ state: app.state, newId, now: nowIso(), netnsDir: app.paths.netnsDir }))
app.db.transaction(() => {
  for (let n = 0; n < networks; n++) {
    const name = `net${n}`
    // Explicit subnets in 10.0.0.0/8 (a /24 each, a /16 for big ones): docker's automatic
    // pools run out after about 30 networks.
    const subnet = perNetwork > 250 ? `10.${n}.0.0/16` : `10.${n >> 8}.${n & 255}.0/24`
    decide((ctx) => decideNetworkCreate({ name, driver: 'bridge', subnet, internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, ctx))
    for (let c = 0; c < perNetwork; c++) decide((ctx) => decideContainerCreate({ name: `${name}-c${c}`, network: name, aliases: [] }, ctx))
  }
})()
process.stdout.write(`${JSON.stringify({ networks, containersPerNetwork: perNetwork, events: app.log.head().seq })}\n`)
app.close()
