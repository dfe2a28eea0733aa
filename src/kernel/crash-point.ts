/**
 * Test hook for crash safety. With PATCHBAY_TEST_CRASH_AT=N the process kills itself with
 * SIGKILL just before its Nth change to the kernel or the log, so tests can stop a mutation
 * at every step and prove that `restore` converges. Unset (always, outside tests), it is a
 * counter that never fires.
 */
let remaining = Number(process.env.PATCHBAY_TEST_CRASH_AT) || 0

export function crashPoint(): void {
  if (remaining > 0 && --remaining === 0) process.kill(process.pid, 'SIGKILL')
}
