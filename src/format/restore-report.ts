import type { RestoreAction, RestorePlan } from '../restore/plan.js'

const GROUPS: [label: (n: number) => string, kinds: RestoreAction['kind'][]][] = [
  [(n) => `${n} namespace${n === 1 ? '' : 's'}`, ['create-netns']],
  [(n) => `${n} endpoint${n === 1 ? '' : 's'}`, ['connect']],
  [(n) => `${n} repair${n === 1 ? '' : 's'} (addresses, links up, routes)`, ['add-address', 'link-up', 'default-route', 'delete-default-route']],
  [() => 'firewall', ['firewall']],
  [() => 'IPv4 forwarding', ['forwarding']],
  [(n) => `${n} file${n === 1 ? '' : 's'}`, ['write-file']],
  [(n) => `${n} remote peer${n === 1 ? '' : 's'}`, ['join-peer', 'leave-peer']],
  [(n) => `${n} leftover${n === 1 ? '' : 's'} removed`, ['delete-link', 'delete-netns', 'remove-file']],
]

/** "3 bridges, 12 endpoints, firewall, ..." for a list of actions: networks counted by what their drivers call their devices. */
function breakdown(actions: RestoreAction[]): string {
  const devices = new Map<string, number>()
  for (const a of actions) if (a.kind === 'ensure-network') devices.set(a.noun, (devices.get(a.noun) ?? 0) + 1)
  const networks = [...devices].map(([noun, n]) => `${n} ${noun}${n === 1 ? '' : 's'}`)
  return [
    ...networks,
    ...GROUPS.flatMap(([label, kinds]) => {
      const n = actions.filter((a) => kinds.includes(a.kind)).length
      return n ? [label(n)] : []
    }),
  ].join(', ')
}

/** restore's one-line summary. */
export function restoreSummary(plan: RestorePlan, opts: { dryRun: boolean; failed: number; seconds: number }): string {
  const { networks, containers, endpoints } = plan.checked
  const n = plan.actions.length
  if (n === 0) return `restore: nothing to do, the kernel matches the log (${networks} networks, ${containers} containers, ${endpoints} endpoints checked)\n`
  const what = `${n} change${n === 1 ? '' : 's'} (${breakdown(plan.actions)})`
  if (opts.dryRun) return `restore --dry-run: ${what} needed; nothing was changed\n`
  const failed = opts.failed ? `; ${opts.failed} failed` : ''
  return `restore: ${what} in ${opts.seconds.toFixed(1)} s${failed}\n`
}
