import type { SingleBar } from 'cli-progress'

/**
 * A progress bar (`LABEL [####----] 12/40 UNIT`) on stderr when stderr is a terminal, cleared
 * when done; undefined otherwise, where the command's summary line is all there is.
 */
export async function progressBar(label: string, unit: string): Promise<SingleBar | undefined> {
  if (!process.stderr.isTTY) return undefined
  // cli-progress is CommonJS: its exports arrive as the default export once bundled.
  const { SingleBar, Presets } = (await import('cli-progress')).default
  return new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {value}/{total} ${unit}`, clearOnComplete: true }, Presets.shades_classic)
}
