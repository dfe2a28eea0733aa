import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { crashPoint } from './crash-point.js'
import type { FileOps } from './ops.js'

/**
 * Writes content to path unless it already holds exactly that; returns whether it wrote.
 * Rewrites the same inode (write then truncate) instead of rename-over, because containers see
 * this file through a bind mount of that inode and would keep seeing the old one after a rename.
 */
export function writeFileIfChanged(path: string, content: string): boolean {
  const data = Buffer.from(content)
  let current: Buffer | undefined
  try {
    current = readFileSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (current?.equals(data)) return false
  crashPoint()
  if (current === undefined) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, data, { mode: 0o644 })
    return true
  }
  // A connect usually only adds lines at the end: write just those (one small write, not the whole file).
  const grows = data.length > current.length && data.subarray(0, current.length).equals(current)
  const fd = openSync(path, 'r+')
  try {
    if (grows) writeSync(fd, data, current.length, data.length - current.length, current.length)
    else {
      writeSync(fd, data, 0, data.length, 0)
      ftruncateSync(fd, data.length)
    }
  } finally {
    closeSync(fd)
  }
  return true
}

/** Appends to an existing file (same inode); false, writing nothing, when there is no such file. */
export function appendToExistingFile(path: string, content: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'a')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
  try {
    crashPoint()
    writeSync(fd, content)
  } finally {
    closeSync(fd)
  }
  return true
}

/** Removes a file; a missing file is fine. */
export function removeFile(path: string): void {
  crashPoint()
  try {
    unlinkSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** The names in a directory; none when it does not exist (or cannot be read). */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Removes a directory and everything in it; a missing one is fine. */
export function removeTree(dir: string): void {
  crashPoint()
  rmSync(dir, { recursive: true, force: true })
}

/** A file's text, or undefined when it does not exist (or cannot be read). */
export function readFileOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** The FileOps of the real file system. */
export const realFiles: FileOps = { read: readFileOr, write: writeFileIfChanged, append: appendToExistingFile, remove: removeFile }
