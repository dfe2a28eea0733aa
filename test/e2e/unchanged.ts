/**
 * Proof that a refused request changed nothing (DESIGN invariant 4): everything a request
 * could touch, read before and after it, must be equal, and the refusal must be one line.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type AsyncSandbox, type RunOptions, cmd, parseJsonLines } from './sandbox.js'

/** Keeps what matters from `ip -o link`: name, kind of link, MAC, master; drops flags and state. */
export function normLinks(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) =>
      l
        .replace(/^\d+:\s*/, '')
        .replace(/<[^>]*>/g, '')
        .replace(/\b(state|qlen|mtu|qdisc|group|mode)\s+\S+/g, '')
        .replace(/\\/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .sort()
}

/** Keeps `IFNAME FAMILY ADDRESS` from `ip -o addr`. */
export function normAddrs(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const f = l.trim().split(/\s+/)
      return `${f[1]} ${f[2]} ${f[3]}`
    })
    .sort()
}

/** Everything a bad request must leave untouched (gathered concurrently: all read-only). */
export async function snapshot(sb: AsyncSandbox): Promise<Record<string, unknown>> {
  const netnsDir = join(sb.runDir, 'netns')
  const hostsDir = join(sb.runDir, 'hosts')
  const inContainer = async (id: string) => {
    const [link, addr] = await Promise.all([
      cmd(['nsenter', `--net=${join(netnsDir, id)}`, '--', 'ip', '-o', 'link']),
      cmd(['nsenter', `--net=${join(netnsDir, id)}`, '--', 'ip', '-o', 'addr']),
    ])
    return [id, { link: normLinks(link.stdout), addr: normAddrs(addr.stdout) }] as const
  }
  const ids = existsSync(netnsDir) ? readdirSync(netnsDir).sort() : []
  const hosts: Record<string, string> = {}
  for (const f of existsSync(hostsDir) ? readdirSync(hostsDir).sort() : []) {
    hosts[f] = readFileSync(join(hostsDir, f), 'utf8')
  }
  const [events, links, addrs, routes, networks, containers, containerNs] = await Promise.all([
    sb.ok(['events', '--format', 'json']).then((t) => parseJsonLines(t).length),
    sb.shOk('ip -o link'),
    sb.shOk('ip -o addr'),
    sb.shOk('ip route show'),
    sb.ok(['network', 'ls', '--no-trunc']),
    sb.ok(['container', 'ls']),
    Promise.all(ids.map(inContainer)),
  ])
  return {
    events,
    links: normLinks(links),
    addrs: normAddrs(addrs),
    routes: routes.trim(),
    containerNs: Object.fromEntries(containerNs),
    hosts,
    networks,
    containers,
  }
}

/**
 * Runs a request that must be refused: exit 1, one `Error: ...` line (no stack trace), and
 * nothing changed. Returns the error line.
 */
export async function rejected(sb: AsyncSandbox, args: string[], message?: RegExp, opts?: RunOptions): Promise<string> {
  const before = await snapshot(sb)
  const r = await sb.run(args, opts)
  const ctx = `patchbay ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect(r.code, ctx).toBe(1)
  const err = r.stderr.trimEnd()
  expect(err.split('\n'), ctx).toHaveLength(1)
  expect(err, ctx).toMatch(/^Error: \S/)
  expect(err, ctx).not.toMatch(/\bat .*\.(js|ts):\d+/)
  if (message) expect(err, ctx).toMatch(message)
  expect(await snapshot(sb), `state changed after: patchbay ${args.join(' ')}`).toEqual(before)
  return err
}
