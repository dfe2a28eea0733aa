/**
 * Containers whose namespace patchbay did not make (`--netns PATH`, `--pid PID`) and the
 * special networks `none` and `host`.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NOT_ROOT_MESSAGE,
  type Sandbox,
  createSandbox,
  hostCmd,
  isRoot,
  linkNames,
  ping,
  randomHex,
  startNetnsHolder,
} from './sandbox.js'

const HEX64 = /^[0-9a-f]{64}$/

describe.skipIf(!isRoot)(`adopting namespaces, none and host ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: Sandbox

  beforeAll(() => {
    sb = createSandbox('adopt')
    // A patchbay-made container on the default bridge to talk to.
    sb.ok(['run', '--name', 'peer'])
  })
  afterAll(() => {
    sb?.cleanup()
  })

  describe('--netns PATH', () => {
    let nsName = ''
    let nsPath = ''

    beforeAll(() => {
      nsName = `pbt-adoptee-${randomHex(4)}`
      const add = hostCmd(['ip', 'netns', 'add', nsName])
      expect(add.code, add.stderr).toBe(0)
      nsPath = `/run/netns/${nsName}`
      sb.defer(() => {
        hostCmd(['ip', 'netns', 'del', nsName])
      })
    })

    it('run --netns connects an existing namespace', () => {
      const id = sb.ok(['run', '--name', 'adopted', '--netns', nsPath]).trim()
      expect(id).toMatch(HEX64)
      const ip = sb.ok(['inspect', '--format={{.NetworkSettings.Networks.bridge.IPAddress}}', 'adopted']).trim()
      expect(ip).toMatch(/^172\.17\.0\.\d+$/)
      // The interface is really in *that* namespace, seen without patchbay.
      const addr = hostCmd(['ip', '-n', nsName, '-o', '-4', 'addr', 'show', 'dev', 'eth0'])
      expect(addr.code, addr.stderr).toBe(0)
      expect(addr.stdout).toContain(`inet ${ip}/16`)
      const lo = hostCmd(['ip', '-n', nsName, '-o', 'link', 'show', 'dev', 'lo'])
      expect(lo.stdout).toMatch(/<[^>]*\bUP\b/)
    })

    it('the adopted namespace and a patchbay container ping each other by name', () => {
      ping(sb, 'adopted', 'peer', true)
      ping(sb, 'peer', 'adopted', true)
    })

    it('rm removes the endpoint but not the namespace', () => {
      sb.ok(['rm', 'adopted'])
      expect(existsSync(nsPath)).toBe(true)
      const links = hostCmd(['ip', '-n', nsName, '-o', 'link'])
      expect(links.code, links.stderr).toBe(0)
      expect(linkNames(links.stdout)).toEqual(['lo'])
      expect(sb.ok(['container', 'ls'])).not.toMatch(/adopted/)
    })
  })

  describe('--pid PID', () => {
    let pid = 0

    beforeAll(() => {
      pid = startNetnsHolder(sb)
      // Wait until unshare has exec'd sleep in its own namespace.
      for (let i = 0; i < 50; i++) {
        const own = hostCmd(['readlink', `/proc/${pid}/ns/net`]).stdout.trim()
        const mine = hostCmd(['readlink', '/proc/self/ns/net']).stdout.trim()
        const comm = hostCmd(['cat', `/proc/${pid}/comm`]).stdout.trim()
        if (own && own !== mine && comm === 'sleep') break
        hostCmd(['sleep', '0.1'])
      }
    })

    it('run --pid connects the namespace of a running process', () => {
      const id = sb.ok(['run', '--name', 'bypid', '--pid', String(pid)]).trim()
      expect(id).toMatch(HEX64)
      const ip = sb.ok(['inspect', '--format={{.NetworkSettings.Networks.bridge.IPAddress}}', 'bypid']).trim()
      const addr = hostCmd(['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])
      expect(addr.code, addr.stderr).toBe(0)
      expect(addr.stdout).toContain(`inet ${ip}/16`)
    })

    it('exec runs in that namespace and reaches the peer', () => {
      ping(sb, 'bypid', 'peer', true)
      ping(sb, 'peer', 'bypid', true)
    })

    it('rm leaves the process and its namespace alone', () => {
      sb.ok(['rm', 'bypid'])
      expect(() => process.kill(pid, 0)).not.toThrow()
      const links = hostCmd(['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'ip', '-o', 'link'])
      expect(links.code, links.stderr).toBe(0)
      expect(linkNames(links.stdout)).toEqual(['lo'])
    })
  })

  describe('--net none', () => {
    it('gives only lo', () => {
      sb.ok(['run', '--name', 'nonet', '--net', 'none'])
      const r = sb.exec('nonet', ['ip', '-o', 'link'])
      expect(r.code, r.stderr).toBe(0)
      expect(linkNames(r.stdout)).toEqual(['lo'])
      expect(sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', 'nonet']).trim()).toBe('[none]')
      sb.ok(['rm', 'nonet'])
    })
  })

  describe('--net host', () => {
    it('runs in the sandbox (host) namespace', () => {
      const netId = sb.ok(['network', 'create', 'hostcheck']).trim()
      sb.ok(['run', '--name', 'onhost', '--net', 'host'])
      const r = sb.exec('onhost', ['ip', '-o', 'link'])
      expect(r.code, r.stderr).toBe(0)
      const seen = linkNames(r.stdout).sort()
      expect(seen).toContain('pb0')
      expect(seen).toContain(`pb-${netId.slice(0, 12)}`)
      expect(seen).toEqual(linkNames(sb.shOk('ip -o link')).sort())
      expect(sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', 'onhost']).trim()).toBe('[host]')
      sb.ok(['rm', 'onhost'])
      expect(sb.sh('ip link show dev pb0').code).toBe(0)
    })
  })
})
