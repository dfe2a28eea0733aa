'use strict'
// Loads dist/fast.cjs the way require() would, but with V8's code cache made at build time
// (scripts/bundle.mjs): skips compiling the bundle on each start. V8 checks the cache
// against the source and this Node, and compiles normally when it does not match.
const { readFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { dirname, join } = require('node:path')
const { Script } = require('node:vm')

/** The CommonJS wrapper; shared with the build so the cache matches the code it is used for. */
function wrapCommonJs(code) {
  return `(function (exports, require, module, __filename, __dirname) {${code}\n})`
}

function loadFast() {
  const file = join(__dirname, '..', 'dist', 'fast.cjs')
  let cachedData
  try {
    cachedData = readFileSync(`${file}.cache`)
  } catch {
    // No cache (a build without it): compile as usual.
  }
  const script = new Script(wrapCommonJs(readFileSync(file, 'utf8')), { filename: file, cachedData })
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
  return module.exports
}

module.exports = { loadFast, wrapCommonJs }
