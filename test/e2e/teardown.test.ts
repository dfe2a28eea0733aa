/**
 * `admin teardown`: a root taken down completely, by a user who wants it gone, also after its
 * state directory was deleted by hand (the newcomer's case: namespaces left mounted forever).
 */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOT_ROOT_MESSAGE, type AsyncSandbox, createAsyncSandbox, isRoot, linkNames, parseJsonLines } from './sandbox.js'

describe.skipIf(!isRoot)(`admin teardown ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox

  beforeAll(() => {
    sb = createAsyncSandbox('teardown')
  })
  afterAll(() => {
    sb?.cleanup()
  })

  const build = async () => {
    await sb.ok(['network', 'create', '--subnet', '10.5.0.0/24', 'n1'])
    await sb.ok(['run', '--name', 'c1', '--net', 'n1'])
    await sb.ok(['run', '--name', 'c2'])
    await sb.ok(['network', 'connect', 'n1', 'c2'])
    expect(linkNames(await sb.shOk('ip -o link')).length).toBeGreaterThan(3)
    expect(existsSync(join(sb.runDir, 'netns'))).toBe(true)
  }

  /** Nothing of the root is left in the sandbox namespace or under /run. */
  const nothingLeft = async () => {
    expect(linkNames(await sb.shOk('ip -o link'))).toEqual(['lo'])
    expect((await sb.shOk('nft list tables')).trim()).toBe('')
    expect(existsSync(sb.runDir)).toBe(false)
  }

  it('removes the containers and networks (logged), then every kernel object and run file', async () => {
    await build()
    expect(await sb.ok(['admin', 'teardown'])).toBe(`teardown: removed 2 containers, 1 network, 1 link, 0 namespaces, the firewall table, ${sb.runDir}\n`)
    await nothingLeft()
    expect(await sb.ok(['container', 'ls', '-q'])).toBe('')
    expect(await sb.ok(['network', 'ls', '--format', '{{.Name}}'])).toBe('bridge\nhost\nnone\n')
    const events = parseJsonLines(await sb.ok(['events', '--format', 'json'])).slice(-6).map((e) => e.type)
    expect(events).toEqual(['EndpointDisconnected', 'ContainerRemoved', 'EndpointDisconnected', 'EndpointDisconnected', 'ContainerRemoved', 'NetworkRemoved'])
    expect((await sb.ok(['audit', 'verify'])).startsWith('ok:')).toBe(true)
  })

  it('after the state directory was deleted by hand, takes down what the kernel still holds', async () => {
    await build()
    rmSync(sb.root, { recursive: true, force: true })
    expect(await sb.ok(['admin', 'teardown'])).toMatch(/^teardown: removed 0 containers, 0 networks, [2-9] links, 2 namespaces, the firewall table, /)
    await nothingLeft()
    expect(existsSync(join(sb.root, 'patchbay.db'))).toBe(false)
  })

  it('--delete-state deletes the log too', async () => {
    await build()
    expect(await sb.ok(['admin', 'teardown', '--delete-state'])).toMatch(new RegExp(`, the state in ${sb.root}\\n$`))
    await nothingLeft()
    expect(existsSync(join(sb.root, 'patchbay.db'))).toBe(false)
  })
})
