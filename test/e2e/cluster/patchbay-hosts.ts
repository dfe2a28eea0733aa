/**
 * patchbay on every host of an underlay (see underlay.ts): a state root per host, its daemon
 * joined to the cluster store, and the CLI run inside the host's namespace. Each host's
 * containers are its own namespaces; `cleanup` removes them (and stops the daemons) before the
 * underlay goes.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { runDirFor } from '../../../src/config/paths.js'
import { BIN, type Result, type RunOptions, cmd, hostCmd } from '../sandbox.js'
import type { Host, StoreServer, Underlay } from './underlay.js'

export interface PatchbayHost {
  host: Host
  name: string
  root: string
  /** `patchbay ...args` on this host. */
  run(args: string[], opts?: RunOptions): Promise<Result>
  ok(args: string[], opts?: RunOptions): Promise<string>
  fail(args: string[], opts?: RunOptions): Promise<string>
  /** Starts its daemon joined to `store`; resolves once the daemon says it joined. */
  startDaemon(store: StoreServer): Promise<void>
  /** SIGTERM (or `signal`) to its daemon; resolves once it exited. */
  stopDaemon(signal?: NodeJS.Signals): Promise<void>
  daemonLog(): string
  /** A shell command in the host's namespace. */
  sh(script: string): Promise<Result>
  /**
   * What a reboot takes from patchbay on this host: its container namespaces, run files, every
   * link but the underlay's and nftables; the state root (the log) survives.
   */
  reboot(): Promise<void>
}

function must(what: string, r: Result): string {
  expect(r.code, `${what}\n  exit ${r.code}\n  stdout: ${r.stdout.trimEnd()}\n  stderr: ${r.stderr.trimEnd()}`).toBe(0)
  return r.stdout
}

/** Waits until `check` resolves true, or fails after `ms` with what `why` says. */
export async function eventually(ms: number, check: () => Promise<boolean>, why: () => string | Promise<string>): Promise<number> {
  const started = performance.now()
  for (;;) {
    if (await check()) return performance.now() - started
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms: ${await why()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export function patchbayHosts(u: Underlay): PatchbayHost[] {
  return u.hosts.map((host) => {
    const root = mkdtempSync(join(u.tmp, `${host.name}-root-`))
    const logFile = join(u.tmp, `${host.name}-daemon.log`)
    let daemon: ChildProcess | undefined
    const run = (args: string[], opts: RunOptions = {}) => cmd(['nsenter', `--net=${host.nsPath}`, '--', 'env', `PATCHBAY_ROOT=${root}`, BIN, ...args], opts)
    const pb: PatchbayHost = {
      host,
      name: host.name,
      root,
      run,
      ok: async (args, opts) => must(`${host.name}: patchbay ${args.join(' ')}`, await run(args, opts)),
      fail: async (args, opts) => {
        const r = await run(args, opts)
        expect(r.code, `${host.name}: patchbay ${args.join(' ')} should fail\n${r.stdout}${r.stderr}`).not.toBe(0)
        return r.stderr
      },
      async startDaemon(store) {
        const before = pb.daemonLog().length
        daemon = host.start([BIN, 'daemon', '-v', '--root', root, '--cluster-store', store.url, '--cluster-advertise', host.address, '--cluster-host', host.name], { log: logFile })
        await eventually(20_000, async () => pb.daemonLog().slice(before).includes(`cluster: joined`), () => `${host.name}'s daemon to join:\n${pb.daemonLog().slice(before)}`)
      },
      async stopDaemon(signal = 'SIGTERM') {
        const d = daemon
        daemon = undefined
        if (!d || d.exitCode !== null) return
        const exited = new Promise((resolve) => d.once('exit', resolve))
        d.kill(signal)
        await exited
      },
      daemonLog: () => {
        try {
          return readFileSync(logFile, 'utf8')
        } catch {
          return ''
        }
      },
      sh: (script) => host.sh(script),
      async reboot() {
        wipeRunDir(root)
        must(`${host.name}: reboot`, await host.sh("for l in $(ip -o link | cut -d: -f2 | cut -d@ -f1); do case $l in lo|ul0) ;; *) ip link del $l 2>/dev/null ;; esac; done; nft flush ruleset"))
      },
    }
    // Before the underlay's own clean-up: daemons stopped, container namespaces unmounted.
    u.defer(() => {
      daemon?.kill('SIGKILL')
      wipeRunDir(root)
      rmSync(root, { recursive: true, force: true })
    })
    return pb
  })
}

/** Unmounts a root's container namespaces and removes its run directory. */
function wipeRunDir(root: string): void {
  const run = runDirFor(root)
  hostCmd(['sh', '-c', `for f in ${run}/netns/*; do [ -e "$f" ] && umount -l "$f"; rm -f "$f"; done; rm -rf ${run}`])
}
