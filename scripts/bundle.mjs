// Bundles the CLI into dist/ with esbuild: one file per entry plus lazily loaded chunks, so a
// command loads only the code it uses (oclif's explicit command strategy needs no folder scan).
// dist/gen-topology.js and dist/gen-log.js write benchmark fixtures through the CLI's own modules.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { Script } from 'node:vm'
import { wrapCommonJs } from '../bin/load-fast.cjs'

/**
 * netlink's JavaScript is inlined (compiled once into the code cache, and without the
 * package's index, see src/kernel/netlink.ts); its addon is found from the package's own
 * folder, which its loader took from __dirname, now the bundle's.
 */
const netlinkAddon = {
  name: 'netlink-addon',
  setup(b) {
    b.onLoad({ filter: /netlink[\\/]dist[\\/]raw\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        "require('node-gyp-build')(__dirname + '/..')",
        "require('node-gyp-build')(require('node:path').dirname(require.resolve('netlink/package.json')))",
      ),
      loader: 'js',
    }))
  },
}

rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: {
    run: 'src/run.ts',
    commands: 'src/commands.ts',
    'replay-worker': 'src/projections/replay-worker.ts',
    'gen-topology': 'bench/gen-topology.ts',
    'gen-log': 'bench/gen-log.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Native modules stay in node_modules; everything else is inlined. oclif can load
  // TypeScript sources in development (typescript, ts-node); the bundle never needs that.
  // etcd3 reads its .proto files next to its own code, so it is loaded from node_modules.
  external: ['better-sqlite3', 'typescript', 'ts-node', 'netlink/package.json', 'etcd3'],
  plugins: [netlinkAddon],
  banner: { js: "import { createRequire as __pbRequire } from 'node:module'; const require = __pbRequire(import.meta.url);" },
  logLevel: 'warning',
})

// The fast path: one CommonJS file (Node's ESM loader alone costs ~15 ms at start-up), loaded
// by bin/patchbay before anything else; it holds only the hot read commands, no oclif.
await build({
  entryPoints: { fast: 'src/fast.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // better-sqlite3's JavaScript is inlined too (one file to compile instead of a dozen); its
  // addon is loaded by path (see src/events/database.ts). etcd3: as above.
  external: ['netlink/package.json', 'etcd3'],
  plugins: [netlinkAddon],
  // Every start reads, and hands V8 the cache of, this whole file: whitespace and syntax are
  // minified (names are kept, for --debug's stack traces).
  minifyWhitespace: true,
  minifySyntax: true,
  define: { 'import.meta.url': '__pbImportMetaUrl' },
  banner: { js: "const __pbImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
})

// V8's code cache for the fast path, made by this Node: bin/patchbay hands it to V8 so the
// bundle need not be compiled on every start. V8 caches only what it has compiled, and it
// compiles a function when first called: the bundle is run and its hot modules loaded first,
// so their code is in the cache too (~10 ms less per mutation). A cache from another Node or
// another build is rejected by V8 and the file is simply compiled.
const fast = resolve('dist/fast.cjs')
const script = new Script(wrapCommonJs(readFileSync(fast, 'utf8')), { filename: fast })
const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(fast), module, fast, dirname(fast))
await module.exports.loadHotModules()
writeFileSync(`${fast}.cache`, script.createCachedData())

// The native client (bin/patchbay -> dist/patchbay) and the build id it shares with the bundle:
// a daemon started from another build declines its commands instead of running them with
// other code than the client's own Node CLI would.
const hash = createHash('sha256')
for (const f of readdirSync('dist').filter((f) => /\.(c?js)$/.test(f)).sort()) hash.update(f).update(readFileSync(`dist/${f}`))
const buildId = hash.digest('hex').slice(0, 16)
writeFileSync('dist/build-id', `${buildId}\n`)
execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', `-DPATCHBAY_BUILD_ID="${buildId}"`, '-o', 'dist/patchbay', 'native/client/patchbay.c'], { stdio: 'inherit' })
