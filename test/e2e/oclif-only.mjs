// Runs the oclif CLI directly, bypassing bin/patchbay's fast path: tests compare the two.
import('../../dist/run.js').then((m) => m.run())
