import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { type AsyncSandbox, BIN, createAsyncSandbox, isRoot, linkNames, ping } from './sandbox.js'

const CONTAINERS = ['container1', 'container2', 'container3']

/**
 * `restore` after a reboot and after drift: the kernel is rebuilt from the tables with the
 * same names, addresses and MACs, leftovers are removed, and a second run changes nothing.
 */
describe.skipIf(!isRoot)('restore', () => {
  let sb: AsyncSandbox
  const ipAddr = (c: string) => sb.ok(['exec', c, '--', 'ip', '-d', 'addr'])
  const hostLinks = async () => linkNames(await sb.shOk('ip -o link show')).sort()

  /** Everything a user would compare before and after: inspect output and each container's interfaces. */
  const snapshot = async () => ({
    networks: await sb.ok(['network', 'inspect', 'bridge', 'isolated_nw']),
    containers: await sb.ok(['inspect', ...CONTAINERS]),
    addrs: await Promise.all(CONTAINERS.map(ipAddr)),
    links: await hostLinks(),
  })

  beforeAll(async () => {
    sb = createAsyncSandbox('restore')
    // The seed walkthrough's topology.
    await sb.ok(['run', '--name', 'container1'])
    await sb.ok(['run', '--name', 'container2'])
    await sb.ok(['network', 'create', '-d', 'bridge', 'isolated_nw'])
    await sb.ok(['run', '--net=isolated_nw', '--name', 'container3'])
    await sb.ok(['network', 'connect', 'isolated_nw', 'container2'])
  })
  afterAll(() => sb?.cleanup())

  it('on a healthy host there is nothing to do', async () => {
    expect(await sb.ok(['restore'])).toMatch(/^restore: nothing to do, the kernel matches the log \(4 networks, 3 containers, 4 endpoints checked\)\n$/)
  })

  it('after a reboot rebuilds everything as it was: inspect, ip -d addr, names, isolation', async () => {
    const before = await snapshot()
    expect(before.addrs[0]).toMatch(/eth0@if\d+/)
    expect(before.addrs.join('')).not.toMatch(/inet6 fe80/) // docker turns IPv6 off on IPv4-only networks

    sb.reboot()
    expect(await hostLinks()).toEqual(['lo'])
    expect(existsSync(join(sb.runDir, 'netns'))).toBe(false)
    const r = await sb.run(['exec', 'container1', '--', 'true'])
    expect(r.code).not.toBe(0)

    const dry = await sb.ok(['restore', '--dry-run'])
    expect(dry).toMatch(/^bridge pb0 of network bridge: create$/m)
    expect(dry).toMatch(/^connect container2 to isolated_nw: eth1 172\.18\.0\.3\/16 02:42:ac:12:00:03 via veth\w{7} \(veth missing\)$/m)
    expect(dry).toMatch(/^restore --dry-run: 17 changes \(2 bridges, 3 namespaces, 4 endpoints, firewall, IPv4 forwarding, 6 files\) needed; nothing was changed\n$/m)
    expect(await hostLinks()).toEqual(['lo'])

    expect(await sb.ok(['restore'])).toMatch(/^restore: 17 changes \(2 bridges, 3 namespaces, 4 endpoints, firewall, IPv4 forwarding, 6 files\) in [\d.]+ s\n$/)
    expect(await snapshot()).toEqual(before)
    expect(await sb.ok(['restore'])).toMatch(/^restore: nothing to do/)

    await ping(sb, 'container2', 'container3', true)
    await ping(sb, 'container2', 'container1', true)
    await ping(sb, 'container3', 'container2.isolated_nw', true)
    // Isolation: forwarding is on, yet bridge-to-bridge traffic is dropped and names do not leak.
    expect((await sb.shOk('cat /proc/sys/net/ipv4/ip_forward')).trim()).toBe('1')
    await ping(sb, 'container3', '172.17.0.2', false)
    await ping(sb, 'container1', 'container3', false)
  })

  it('repairs drift and removes leftovers stamped as patchbay\'s, leaving other interfaces alone', async () => {
    const before = await snapshot()
    const group = (await sb.shOk('ip -d link show pb0')).match(/group (\S+)/)![1]
    await sb.shOk(
      [
        `ip link add pb-leftover group ${group} type bridge`,
        `ip link add veth0dead00 group ${group} type veth peer name tmp0`,
        'ip link add veth1234567 type veth peer name tmp1', // someone else's, docker-style name
        'ip link set pb0 down',
        'nft flush chain inet patchbay forward',
      ].join(' && '),
    )
    const c2 = JSON.parse(await sb.ok(['inspect', 'container2']))[0]
    const ns = `${sb.runDir}/netns/${c2.Id}`
    await sb.shOk(`nsenter --net=${ns} sh -c 'ip route replace default via 172.18.0.1 dev eth1 && ip addr flush dev eth1'`)

    const dry = await sb.ok(['restore', '--dry-run'])
    expect(dry.split('\n').filter((l) => l && !l.startsWith('restore')).sort()).toEqual([
      'add address 172.18.0.3/16 to eth1 of container2',
      'bridge pb0 of network bridge: set up',
      'delete bridge pb-leftover (not in the log)',
      'delete veth veth0dead00 (not in the log)',
      'load nftables table inet patchbay (changed outside patchbay)',
      'set default route of container2 via 172.17.0.1 dev eth0',
    ])
    // On a terminal: a progress bar, then the summary.
    const tty = await sb.shOk(`script -qec 'env PATCHBAY_ROOT=${sb.root} ${BIN} restore' /dev/null`)
    expect(tty).toMatch(/restore \[.*\] 6\/6 changes/)
    expect(tty).toMatch(/restore: 6 changes \(1 bridge, 2 repairs \(addresses, links up, routes\), firewall, 2 leftovers removed\) in [\d.]+ s\r?\n$/)
    expect(await sb.ok(['restore'])).toMatch(/^restore: nothing to do/)
    const after = await snapshot()
    expect({ ...after, links: after.links.filter((l) => l !== 'veth1234567' && l !== 'tmp1') }).toEqual(before)
    expect(after.links).toContain('veth1234567')
    await ping(sb, 'container2', 'container3', true)
    await ping(sb, 'container3', '172.17.0.2', false)
  })

  it('removes namespaces and files of a crash, and reports adopted namespaces that are gone', async () => {
    const ns = `pbt-adopt-${process.pid}`
    await sb.shOk(`ip netns add ${ns}`)
    sb.defer(() => void sb.sh(`ip netns del ${ns} 2>/dev/null`))
    await sb.ok(['run', '--name', 'adopted', '--netns', `/run/netns/${ns}`])
    await sb.shOk(`ip netns del ${ns}`)
    const netnsDir = join(sb.runDir, 'netns')
    await sb.shOk(`touch ${netnsDir}/leftover && touch ${sb.runDir}/hosts/0000`)

    const r = await sb.run(['restore'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe(`Warning: container adopted: adopted namespace not recreated (/run/netns/${ns} no longer exists)\n`)
    expect(r.stdout).toMatch(/^restore: 2 changes \(2 leftovers removed\)/)
    expect(readdirSync(netnsDir)).not.toContain('leftover')
    expect(existsSync(join(sb.runDir, 'hosts', '0000'))).toBe(false)
    await sb.ok(['rm', 'adopted'])
    expect(await sb.ok(['restore'])).toMatch(/^restore: nothing to do/)
  })
})
