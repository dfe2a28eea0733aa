/**
 * Containers whose namespace patchbay did not make (`--netns PATH`, `--pid PID`) and the
 * special networks `none` and `host`.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NOT_ROOT_MESSAGE,
  type AsyncSandbox,
  createAsyncSandbox,
  hostCmd,
  isRoot,
  linkNames,
  ping,
  randomHex,
  startNetnsHolder,
} from './sandbox.js'

const HEX64 = /^[0-9a-f]{64}$/

describe.skipIf(!isRoot)(`adopting namespaces, none and host ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox

  beforeAll(async () => {
    sb = createAsyncSandbox('adopt')
    // A patchbay-made container on the default bridge to talk to.
    await sb.ok(['run', '--name', 'peer'])
  })
  afterAll(() => {
    sb?.cleanup()
  })

  describe('--netns PATH', () => {
    let nsName = ''
    let nsPath = ''

    beforeAll(async () => {
      nsName = `pbt-adoptee-${randomHex(4)}`
      const add = hostCmd(['ip', 'netns', 'add', nsName])
      expect(add.code, add.stderr).toBe(0)
      nsPath = `/run/netns/${nsName}`
      sb.defer(() => {
        hostCmd(['ip', 'netns', 'del', nsName])
      })
    })

    it('run --netns connects an existing namespace', async () => {
      const id = (await sb.ok(['run', '--name', 'adopted', '--netns', nsPath])).trim()
      expect(id).toMatch(HEX64)
      const ip = (await sb.ok(['inspect', '--format={{.NetworkSettings.Networks.bridge.IPAddress}}', 'adopted'])).trim()
      expect(ip).toMatch(/^172\.17\.0\.\d+$/)
      // The interface is really in *that* namespace, seen without patchbay.
      const addr = hostCmd(['ip', '-n', nsName, '-o', '-4', 'addr', 'show', 'dev', 'eth0'])
      expect(addr.code, addr.stderr).toBe(0)
      expect(addr.stdout).toContain(`inet ${ip}/16`)
      const lo = hostCmd(['ip', '-n', nsName, '-o', 'link', 'show', 'dev', 'lo'])
      expect(lo.stdout).toMatch(/<[^>]*\bUP\b/)
    })

    it('the adopted namespace and a patchbay container ping each other by name', async () => {
      await ping(sb, 'adopted', 'peer', true)
      await ping(sb, 'peer', 'adopted', true)
    })

    it('rm removes the endpoint but not the namespace', async () => {
      await sb.ok(['rm', 'adopted'])
      expect(existsSync(nsPath)).toBe(true)
      const links = hostCmd(['ip', '-n', nsName, '-o', 'link'])
      expect(links.code, links.stderr).toBe(0)
      expect(linkNames(links.stdout)).toEqual(['lo'])
      expect(await sb.ok(['container', 'ls'])).not.toMatch(/adopted/)
    })
  })

  describe('--pid PID', () => {
    let pid = 0

    beforeAll(async () => {
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

    it('run --pid connects the namespace of a running process', async () => {
      const id = (await sb.ok(['run', '--name', 'bypid', '--pid', String(pid)])).trim()
      expect(id).toMatch(HEX64)
      const ip = (await sb.ok(['inspect', '--format={{.NetworkSettings.Networks.bridge.IPAddress}}', 'bypid'])).trim()
      const addr = hostCmd(['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])
      expect(addr.code, addr.stderr).toBe(0)
      expect(addr.stdout).toContain(`inet ${ip}/16`)
    })

    it('exec runs in that namespace and reaches the peer', async () => {
      await ping(sb, 'bypid', 'peer', true)
      await ping(sb, 'peer', 'bypid', true)
    })

    it('rm leaves the process and its namespace alone', async () => {
      await sb.ok(['rm', 'bypid'])
      expect(() => process.kill(pid, 0)).not.toThrow()
      const links = hostCmd(['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'ip', '-o', 'link'])
      expect(links.code, links.stderr).toBe(0)
      expect(linkNames(links.stdout)).toEqual(['lo'])
    })
  })

  describe('--net none', () => {
    it('gives only lo', async () => {
      await sb.ok(['run', '--name', 'nonet', '--net', 'none'])
      const r = await sb.exec('nonet', ['ip', '-o', 'link'])
      expect(r.code, r.stderr).toBe(0)
      expect(linkNames(r.stdout)).toEqual(['lo'])
      expect((await sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', 'nonet'])).trim()).toBe('[none]')
      await sb.ok(['rm', 'nonet'])
    })
  })

  describe('--net host', () => {
    it('runs in the sandbox (host) namespace', async () => {
      const netId = (await sb.ok(['network', 'create', 'hostcheck'])).trim()
      await sb.ok(['run', '--name', 'onhost', '--net', 'host'])
      const r = await sb.exec('onhost', ['ip', '-o', 'link'])
      expect(r.code, r.stderr).toBe(0)
      const seen = linkNames(r.stdout).sort()
      expect(seen).toContain('pb0')
      expect(seen).toContain(`pb-${netId.slice(0, 12)}`)
      expect(seen).toEqual(linkNames(await sb.shOk('ip -o link')).sort())
      expect((await sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', 'onhost'])).trim()).toBe('[host]')
      await sb.ok(['rm', 'onhost'])
      expect((await sb.sh('ip link show dev pb0')).code).toBe(0)
    })
  })
})
