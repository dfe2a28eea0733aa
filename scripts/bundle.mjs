// Bundles the CLI into dist/ with esbuild: one file per entry plus lazily loaded chunks, so a
// command loads only the code it uses (oclif's explicit command strategy needs no folder scan).
// dist/gen-topology.js and dist/gen-log.js write benchmark fixtures through the CLI's own modules.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: {
    run: 'src/run.ts',
    commands: 'src/commands.ts',
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
  external: ['better-sqlite3', 'netlink', 'typescript', 'ts-node'],
  banner: { js: "import { createRequire as __pbRequire } from 'node:module'; const require = __pbRequire(import.meta.url);" },
  logLevel: 'warning',
})
