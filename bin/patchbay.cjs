#!/usr/bin/env node
// CommonJS (see bin/package.json): the hot read commands run from dist/fast.cjs without
// Node's ESM loader or oclif; everything else goes to the oclif CLI in dist/run.js.
'use strict'
require('./load-fast.cjs')
  .loadFast()
  .main(process.argv.slice(2))
  .then((handled) => handled || import('../dist/run.js').then((m) => m.run()))
