import type { Reporter } from 'vitest/reporters'

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] }

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary,
 * so CI logs state the outcome in a form any reader (or log scraper) understands.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 }
    const walk = (t: Task): void => {
      if (t.tasks) t.tasks.forEach(walk)
      if (t.type !== 'test') return
      if (t.result?.state === 'pass') count.passed++
      else if (t.result?.state === 'fail') count.failed++
      else count.skipped++
    }
    files.forEach(walk)
    // Suites that failed to load have no tests but must not read as green.
    const broken = files.filter((f) => f.result?.state === 'fail' && !f.tasks?.length).length
    process.stdout.write(`\n${count.passed} passed, ${count.failed + broken} failed, ${count.skipped} skipped\n`)
  }
}
