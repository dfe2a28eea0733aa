import type { PortBinding } from '../events/types.js'

/**
 * Published ports as docker shows them: keyed "80/tcp", in container port order. A port bound
 * to every address of a container with IPv6 (on the network of its default route) is shown
 * twice, for 0.0.0.0 and for ::, as docker does.
 */

interface Shown {
  key: string
  ip: string
  port: number
  asked: PortBinding
}

const key = (b: PortBinding) => `${b.containerPort}/${b.proto}`

function shown(ports: PortBinding[], v6: boolean): Shown[] {
  const sorted = [...ports].sort((a, b) => a.containerPort - b.containerPort || a.proto.localeCompare(b.proto) || a.bindPort - b.bindPort)
  return sorted.flatMap((b) => {
    const one = { key: key(b), ip: b.bindIp, port: b.bindPort, asked: b }
    return v6 && b.bindIp === '0.0.0.0' ? [one, { ...one, ip: '::' }] : [one]
  })
}

function byKey(entries: Shown[], value: (s: Shown) => { HostIp: string; HostPort: string }) {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const s of entries) (out[s.key] ??= []).push(value(s))
  return out
}

/** "[::]:8080" for IPv6, "0.0.0.0:8080" for IPv4. */
const hostSide = (s: Shown) => (s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`)

/** HostConfig.PortBindings: what -p asked for (an address or port left out is ""). */
export const portBindingsView = (ports: PortBinding[]) =>
  byKey(shown(ports, false), ({ asked }) => ({ HostIp: asked.hostIp, HostPort: asked.hostPort ? String(asked.hostPort) : '' }))

/** NetworkSettings.Ports: what is bound. */
export const portsView = (ports: PortBinding[], v6: boolean) => byKey(shown(ports, v6), (s) => ({ HostIp: s.ip, HostPort: String(s.port) }))

/** The PORTS column of `ps`: "0.0.0.0:8080->80/tcp, …". */
export const portsColumn = (ports: PortBinding[], v6: boolean) => shown(ports, v6).map((s) => `${hostSide(s)}->${s.key}`).join(', ')

/** `port NAME [PORT[/PROTO]]`: "80/tcp -> 0.0.0.0:8080" lines, or the host side only of the one asked for. */
export function portLines(ports: PortBinding[], v6: boolean, only?: { port: number; proto: string }): string[] {
  const chosen = shown(ports, v6).filter((s) => !only || (s.asked.containerPort === only.port && s.asked.proto === only.proto))
  return chosen.map((s) => (only ? hostSide(s) : `${s.key} -> ${hostSide(s)}`))
}
