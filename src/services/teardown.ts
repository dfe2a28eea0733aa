import { existsSync } from 'node:fs'
import { type Paths, pathsFor } from '../config/paths.js'
import { KernelSession } from '../drivers/kernel-session.js'
import { TABLE_FAMILY, TABLE_NAME } from '../firewall/ruleset.js'
import { deleteNetns } from '../kernel/netns.js'
import { deleteNftTable } from '../kernel/nft.js'
import { listDir, removeFile, removeTree } from '../kernel/files.js'
import type { AppState } from '../app/state.js'
import { removeContainer } from './containers.js'
import { removeNetwork } from './networks.js'

export interface TeardownResult {
  containers: number
  networks: number
  links: number
  namespaces: number
  /** Whether this root's firewall table was deleted. */
  firewall: boolean
  runDir: string
  /** The state directory, when it was deleted too. */
  stateDeleted?: string
}

/**
 * Takes a root down completely. First, as ordinary logged changes, every container (forced:
 * one whose namespace is already gone still goes) and every user network. Then whatever the
 * kernel and the run directory still hold of this root, found the way restore finds
 * leftovers, so it also works when the state directory was deleted before: links stamped
 * with the root's device group (the builtin bridge among them), namespace files, the
 * firewall table this root applied (recorded in its run directory), the run directory. With
 * `deleteState`, the state directory's files last. Holds the host lock for the kernel part.
 */
export async function teardown(root: string, app: AppState | undefined, opts: { deleteState: boolean }): Promise<TeardownResult> {
  const paths = app?.paths ?? pathsFor(root)
  const result: TeardownResult = { containers: 0, networks: 0, links: 0, namespaces: 0, firewall: false, runDir: paths.run }
  if (app) {
    const { MutationSession } = await import('../app/mutate.js')
    const { hostFacts } = await import('../app/host-facts.js')
    const { clusterLinkFor } = await import('../cluster/link.js')
    const cluster = clusterLinkFor(app.paths)
    const session = new MutationSession(app, { cluster })
    const cx = { session, host: hostFacts(), actor: { argv: ['admin', 'teardown'] } }
    try {
      for (const c of app.state.containers()) {
        await removeContainer(cx, c.id, true)
        result.containers++
      }
      for (const n of app.state.networks().filter((x) => !x.builtin)) {
        await removeNetwork(cx, n.id)
        result.networks++
      }
    } finally {
      session.close()
      await cluster?.close()
    }
    app.db.exec('BEGIN IMMEDIATE')
  }
  try {
    await removeKernelLeftovers(paths, result)
  } finally {
    if (app) app.db.exec('ROLLBACK')
  }
  if (opts.deleteState) {
    app?.close()
    for (const f of ['patchbay.db', 'patchbay.db-wal', 'patchbay.db-shm', 'daemon.sock']) removeFile(`${paths.root}/${f}`)
    result.stateDeleted = paths.root
  }
  return result
}

async function removeKernelLeftovers(paths: Paths, result: TeardownResult): Promise<void> {
  const k = new KernelSession(paths.linkGroup)
  try {
    const host = k.host()
    // Veths before bridges: deleting a bridge only releases its ports.
    const ours = (await host.listLinks()).filter((l) => l.group === paths.linkGroup).sort((a, b) => Number(a.kind === 'bridge') - Number(b.kind === 'bridge'))
    for (const l of ours) if (await host.deleteLink(l.name)) result.links++
  } finally {
    k.close()
  }
  for (const f of listDir(paths.netnsDir)) {
    deleteNetns(`${paths.netnsDir}/${f}`)
    result.namespaces++
  }
  if (existsSync(`${paths.run}/firewall.json`)) {
    deleteNftTable(TABLE_FAMILY, TABLE_NAME)
    result.firewall = true
  }
  removeTree(paths.run)
}
