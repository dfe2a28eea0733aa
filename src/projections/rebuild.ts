import type { Db } from '../events/database.js'
import { readEvents } from '../events/store.js'
import { createProjector } from './projectors.js'

/** Projection tables, children first so deletes respect foreign keys. */
export const PROJECTION_TABLES = ['endpoints', 'containers', 'networks'] as const

/** Empties every projection and replays the whole log into it, in one transaction. */
export function rebuildProjections(db: Db): number {
  let count = 0
  db.transaction(() => {
    for (const t of PROJECTION_TABLES) db.exec(`DELETE FROM ${t}`)
    const project = createProjector(db)
    for (const e of readEvents(db)) {
      project(e)
      count++
    }
  }).immediate()
  return count
}
