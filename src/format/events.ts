import { DOCKER_NAMES } from '../events/event-filter.js'
import type { Actor, StoredEvent } from '../events/types.js'
import { portsColumn } from './ports.js'
import { shownInput } from './shown.js'

const CONTROL = /[\x00-\x1f\x7f]/g

/** Control characters as escapes: one event is one line, whatever a value recorded holds. */
const visible = (text: string): string => shownInput(text, Infinity)

/** The person behind a change: the sudo user first when there was one. */
export function actorName(a: Actor): string {
  return visible(a.sudoUser && a.sudoUser !== a.user ? `${a.sudoUser} (sudo as ${a.user})` : a.user)
}

/**
 * An argument as a shell would take it back: bare when safe, in single quotes otherwise, and
 * in bash's $'…' with escapes when it holds a control character (a newline in a label must not
 * start what looks like another line of the audit trail).
 */
function quoteArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg
  if (!/[\x00-\x1f\x7f]/.test(arg)) return `'${arg.replaceAll("'", `'\\''`)}'`
  const escaped = arg.replace(/[\\']/g, (c) => `\\${c}`).replace(CONTROL, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return `$'${escaped}'`
}

/** The command that made a change, quoted so it can be pasted into a shell. */
export function commandLine(a: Actor): string {
  return ['patchbay', ...a.argv.map(quoteArg)].join(' ')
}

/** What the event is about and the details a reader of an audit trail wants on the same line. */
export function describeEvent(e: StoredEvent): string {
  switch (e.type) {
    case 'NetworkCreated': {
      const p = e.payload
      const where = p.subnet ? ` ${p.subnet} gw ${p.gateway}${p.subnet6 ? ` ${p.subnet6} gw ${p.gateway6}` : ''} on ${p.bridge}` : ''
      return `network ${p.name} (${p.id.slice(0, 12)}) driver ${p.driver}${where}${p.internal ? ' internal' : ''}`
    }
    case 'NetworkRemoved':
      return `network ${e.payload.name} (${e.payload.id.slice(0, 12)})`
    case 'ContainerCreated': {
      const p = e.payload
      const where = { own: 'own namespace', host: 'host namespace', path: `adopted ${p.netnsPath}`, pid: `adopted ${p.netnsPath}` }[p.netnsKind]
      return `container ${p.name} (${p.id.slice(0, 12)}) ${where}${p.ports.length ? ` ports ${portsColumn(p.ports, false)}` : ''}`
    }
    case 'ContainerRemoved':
      return `container ${e.payload.name} (${e.payload.id.slice(0, 12)})`
    case 'EndpointConnected': {
      const p = e.payload
      const link = p.ifname ? ` ${p.ifname} ${p.ipv4}/${p.prefixLen}${p.ipv6 ? ` ${p.ipv6}/${p.prefixLen6}` : ''} ${p.mac}` : ''
      return `container ${p.containerName} to network ${p.networkName}${link}`
    }
    case 'EndpointDisconnected': {
      const p = e.payload
      // Written by this version with its prefix length, as the connect shows it; v1 events had none.
      const address = p.prefixLen === null ? p.ipv4 : `${p.ipv4}/${p.prefixLen}`
      return `container ${p.containerName} from network ${p.networkName}${p.ifname ? ` ${p.ifname} ${address}${p.ipv6 ? ` ${p.ipv6}/${p.prefixLen6}` : ''}` : ''}`
    }
    case 'OperationFailed':
      return `${e.payload.command}: ${e.payload.error}`
    case 'HostJoined':
      return `host ${e.payload.host} at ${e.payload.advertise}`
    case 'HostLeft':
      return `host ${e.payload.host}: ${e.payload.reason}`
  }
}

/** One line per event: when, what, and who (user, uid, pid), on which host, with which command. */
export function renderEventLine(e: StoredEvent): string {
  const a = e.actor
  return `${e.time} ${e.type} ${describeEvent(e)} by ${actorName(a)} uid ${a.uid} pid ${a.pid} on ${e.host}: ${commandLine(a)}\n`
}

export function eventJson(e: StoredEvent) {
  return { seq: e.seq, time: e.time, type: e.type, schema: e.schema, host: e.host, actor: e.actor, origin: e.origin, payload: e.payload, prevHash: e.prevHash, hash: e.hash }
}

/** What `events --format TEMPLATE` sees: docker-style capitalised fields. */
export function eventTemplateView(e: StoredEvent) {
  const a = e.actor
  return {
    Seq: e.seq,
    Time: e.time,
    Type: e.type,
    Action: DOCKER_NAMES[e.type].action,
    Host: e.host,
    Actor: { Uid: a.uid, User: a.user, SudoUser: a.sudoUser ?? '', Pid: a.pid, Argv: a.argv },
    Subject: describeEvent(e),
    Payload: e.payload,
    PrevHash: e.prevHash,
    Hash: e.hash,
  }
}
