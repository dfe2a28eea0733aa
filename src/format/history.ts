import { DOCKER_NAMES } from '../events/event-filter.js'
import type { IncarnationHistory } from '../events/history.js'
import type { EndpointConnected, StoredEvent } from '../events/types.js'
import { actorName, commandLine, describeEvent } from './events.js'
import { renderTable } from './table.js'
import { renderTemplateLines } from './template-output.js'

/** One step of a history: what `--format` sees, and what the table shows. */
export interface HistoryRow {
  Seq: number
  Time: string
  Event: string
  Type: string
  NetworkID: string
  Network: string
  ContainerID: string
  Container: string
  Interface: string
  IPAddress: string
  MacAddress: string
  DefaultRoute: string
  Host: string
  /** SudoUser is null without sudo, as the log and `events --format json` have it. */
  Actor: { Uid: number; User: string; SudoUser: string | null; Pid: number; Argv: string[]; Name: string; Command: string }
}

function routeChange(e: StoredEvent): string {
  if (e.type === 'EndpointConnected') return e.payload.defaultRoute ? `default via ${e.payload.defaultRoute.gateway}` : ''
  if (e.type !== 'EndpointDisconnected' || !e.payload.hadDefaultRoute) return ''
  const next = e.payload.defaultRouteMovesTo
  return next ? `default now via ${next.gateway} (${next.ifname})` : 'no default route left'
}

/** The subject's own id and name for create/destroy, both sides for an endpoint event. */
function parties(e: StoredEvent): Pick<HistoryRow, 'NetworkID' | 'Network' | 'ContainerID' | 'Container'> {
  const none = { NetworkID: '', Network: '', ContainerID: '', Container: '' }
  switch (e.type) {
    case 'NetworkCreated':
    case 'NetworkRemoved':
      return { ...none, NetworkID: e.payload.id, Network: e.payload.name }
    case 'ContainerCreated':
    case 'ContainerRemoved':
      return { ...none, ContainerID: e.payload.id, Container: e.payload.name }
    case 'EndpointConnected':
    case 'EndpointDisconnected':
      return { NetworkID: e.payload.networkId, Network: e.payload.networkName, ContainerID: e.payload.containerId, Container: e.payload.containerName }
    case 'OperationFailed':
    case 'HostJoined':
    case 'HostLeft':
      return none
  }
}

function historyRow(e: StoredEvent, connects: Map<string, EndpointConnected>): HistoryRow {
  const a = e.actor
  const ep = e.type === 'EndpointConnected' || e.type === 'EndpointDisconnected' ? e.payload : undefined
  // A disconnect names the address it gave up; its prefix length and MAC are the connect's.
  const connected = ep ? connects.get(ep.id) : undefined
  return {
    Seq: e.seq,
    Time: e.time,
    Event: DOCKER_NAMES[e.type].action,
    Type: e.type,
    ...parties(e),
    Interface: ep?.ifname ?? '',
    IPAddress: ep?.ipv4 ? `${ep.ipv4}/${connected?.prefixLen}` : '',
    MacAddress: connected?.mac ?? '',
    DefaultRoute: routeChange(e),
    Host: e.host,
    Actor: { Uid: a.uid, User: a.user, SudoUser: a.sudoUser, Pid: a.pid, Argv: a.argv, Name: actorName(a), Command: commandLine(a) },
  }
}

function incarnationRows(inc: IncarnationHistory): HistoryRow[] {
  const connects = new Map<string, EndpointConnected>()
  for (const e of inc.events) if (e.type === 'EndpointConnected') connects.set(e.payload.id, e.payload)
  return inc.events.map((e) => historyRow(e, connects))
}

const COLUMNS = {
  network: { head: 'CONTAINER', cells: (r: HistoryRow) => [r.Container] },
  container: { head: 'NETWORK', cells: (r: HistoryRow) => [r.Network] },
}

/** One incarnation: what it was (its creation), then a table of what happened to it and who did it. */
function renderIncarnation(inc: IncarnationHistory): string {
  const rows = incarnationRows(inc)
  const other = COLUMNS[inc.kind]
  const routes = inc.kind === 'container' ? ['ROUTE'] : []
  const header = ['TIME', 'EVENT', other.head, 'INTERFACE', 'IP', 'MAC', ...routes, 'USER', 'UID', 'PID', 'HOST', 'COMMAND']
  const cells = rows.map((r) => [
    r.Time, r.Event, ...other.cells(r), r.Interface, r.IPAddress, r.MacAddress, ...(routes.length ? [r.DefaultRoute] : []),
    r.Actor.Name, String(r.Actor.Uid), String(r.Actor.Pid), r.Host, r.Actor.Command,
  ])
  // The first event about an object is its creation.
  return `${describeEvent(inc.events[0])}\n${renderTable(header, cells)}`
}

/**
 * `network history` / `container history`: a table per incarnation, newest first, separated
 * by a blank line; with --format, one line per event (json, or a Go template over HistoryRow).
 */
export function renderHistory(incarnations: IncarnationHistory[], format: string | undefined): string {
  if (format === undefined) return incarnations.map(renderIncarnation).join('\n')
  const rows = incarnations.flatMap(incarnationRows)
  if (format === 'json') return renderTemplateLines(format, rows)
  // A template sees '' for no sudo, as `events --format` templates do.
  return renderTemplateLines(format, rows.map((r) => ({ ...r, Actor: { ...r.Actor, SudoUser: r.Actor.SudoUser ?? '' } })))
}
