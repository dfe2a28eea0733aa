/**
 * For kernel tests that talk netlink themselves (no CLI): namespaces pinned under
 * /run/netns/<prefix>-<6 hex>-<name>, the sockets opened in them, a veth "underlay" joining two
 * "hosts", and a way to run patchbay's own kernel code as if it had been started in one of
 * them. `cleanup()` deletes every namespace made, also after a failure.
 */
import { closeSync, openSync } from 'node:fs'
import { expect } from 'vitest'
import { Rtnl } from '../../src/kernel/netlink.js'
import { createNetns, deleteNetns } from '../../src/kernel/netns.js'
import { native } from '../../src/kernel/native.js'
import { disableIpv6 } from '../../src/kernel/sysctl.js'
import { hostCmd, randomHex } from './sandbox.js'

export interface KernelNamespaces {
  /** The 6 hex digits in every name. */
  id: string
  /** Makes /run/netns/<prefix>-<id>-<name>, its interfaces born with IPv6 off (no RS/MLD noise), as patchbay keeps its own. */
  netns(name: string): string
  /** A netlink socket in the namespace at nsPath, closed by cleanup. */
  open(nsPath: string): Rtnl
  /** Deletes every namespace (each gets its attempt; the first failure is thrown after the last) and checks none is left. */
  cleanup(): void
}

export function kernelNamespaces(prefix: string): KernelNamespaces {
  const id = randomHex(3)
  const made: string[] = []
  const sockets: Rtnl[] = []
  return {
    id,
    netns(name) {
      const path = `/run/netns/${prefix}-${id}-${name}`
      made.push(path)
      createNetns(path)
      disableIpv6(path, 'default')
      return path
    },
    open(nsPath) {
      const s = Rtnl.open(nsPath)
      sockets.push(s)
      return s
    },
    cleanup() {
      for (const s of sockets.splice(0)) s.close()
      const failures = made.splice(0).flatMap((p) => {
        try {
          deleteNetns(p)
          return []
        } catch (err) {
          return [err]
        }
      })
      expect(hostCmd(['ip', 'netns', 'list']).stdout).not.toContain(`${prefix}-${id}`)
      if (failures.length) throw failures[0]
    },
  }
}

/**
 * Joins two host namespaces with a veth `u0` addressed `<net24>.1/24` and `<net24>.2/24`, lo and
 * u0 up on both: the underlay their VXLAN devices talk over. Returns the two addresses.
 */
export async function joinUnderlay(ns: KernelNamespaces, a: string, b: string, net24: string): Promise<[string, string]> {
  await ns.open(a).createVethPeerInNetns({ hostName: 'u0', peerName: 'u0', peerNetnsPath: b, peerMac: '02:98:00:00:00:02' })
  const addresses: [string, string] = [`${net24}.1`, `${net24}.2`]
  for (const [path, address] of [[a, addresses[0]], [b, addresses[1]]] as const) {
    const host = ns.open(path)
    await host.setLinkUp('lo')
    await host.ensureAddress((await host.linkIndex('u0'))!, `${address}/24`)
    await host.setLinkUp('u0')
  }
  return addresses
}

/** An iproute2 command (`ip`, `bridge`) inside nsPath; asserts success, with its stderr in the failure. */
export function iproute(nsPath: string, argv: string[]): string {
  const r = hostCmd(['nsenter', `--net=${nsPath}`, '--', ...argv])
  expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0)
  return r.stdout
}

/** One ICMP echo from the namespace at fromNs to ip (an address the test made in its own namespaces). */
export function ping(fromNs: string, ip: string, waitSeconds = 2): boolean {
  return hostCmd(['nsenter', `--net=${fromNs}`, '--', 'ping', '-n', '-q', '-c1', `-W${waitSeconds}`, ip]).code === 0
}

/**
 * Runs fn with this thread in the namespace at nsPath, as patchbay runs when started there
 * (`nsenter --net`): a KernelSession's host socket, its background link deletions and its
 * sysctl writes all land there. Unlike withNetns, fn may await: nothing else may run on this
 * thread meanwhile that cares where it is, so callers run one at a time and spawn nothing.
 */
export async function asHost<T>(nsPath: string, fn: () => Promise<T>): Promise<T> {
  const addon = native()
  const back = openSync(`/proc/self/task/${addon.gettid()}/ns/net`, 'r')
  try {
    const target = openSync(nsPath, 'r')
    try {
      addon.setns(target, addon.CLONE_NEWNET)
    } finally {
      closeSync(target)
    }
    try {
      return await fn()
    } finally {
      addon.setns(back, addon.CLONE_NEWNET)
    }
  } finally {
    closeSync(back)
  }
}
