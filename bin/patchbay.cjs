#!/usr/bin/env node
// The Node CLI, run by bin/patchbay (the native client, native/client/patchbay.c) whenever no
// daemon serves the command. CommonJS: the hot commands run from dist/fast.cjs without
// Node's ESM loader or oclif; everything else goes to the oclif CLI in dist/run.js.
'use strict'
require('./load-fast.cjs')
  .loadFast()
  .main(process.argv.slice(2))
  .then((handled) => handled || import('../dist/run.js').then((m) => m.run()))
