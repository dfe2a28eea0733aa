import { accessSync, constants, statfsSync } from 'node:fs'

/**
 * Why a directory cannot take writes, as a user can act on it: its file system is mounted
 * read-only, or has no free block left. Undefined when neither is the case.
 */
export function storageProblem(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EROFS') return 'its file system is read-only (remount it read-write)'
  }
  try {
    if (statfsSync(dir).bfree === 0) return 'its file system is full (free some space)'
  } catch {
    // No answer: nothing to say beyond the original error.
  }
  return undefined
}
