/** A progress bar redrawn in place on a terminal, at most every 100 ms. */
export interface ProgressBar {
  update(done: number, total: number): void
  /** Erases the bar, leaving the line for what comes next. */
  clear(): void
}

const WIDTH = 30

export function progressBar(label: string, stream: NodeJS.WriteStream): ProgressBar {
  let last = 0
  return {
    update: (done, total) => {
      const now = Date.now()
      if (now - last < 100 && done < total) return
      last = now
      const frac = total > 0 ? Math.min(1, done / total) : 1
      const filled = Math.round(frac * WIDTH)
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} events`)
    },
    clear: () => stream.write('\r\x1b[2K'),
  }
}
