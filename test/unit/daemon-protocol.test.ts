import { describe, expect, it } from 'vitest'
import { hotCall } from '../../src/cli/hot-commands.js'
import { MAGIC, Reply, decodeRequest, encodeRequest, frame } from '../../src/daemon/protocol.js'

const payload = (fields: string[]) => Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8')

describe("the daemon's wire format", () => {
  it('a request survives encoding: environment values with = in them, empty and non-ASCII arguments', () => {
    const req = { buildId: '0123abcd', cwd: '/tmp/x y', env: { PATCHBAY_ROOT: '/srv/pb', SUDO_USER: 'zoë' }, argv: ['network', 'create', '--label', 'a=b', '', 'nét'] }
    const bytes = encodeRequest(req)
    expect(bytes.readUInt32LE(0)).toBe(bytes.length - 4)
    expect(decodeRequest(bytes.subarray(4))).toEqual(req)
  })

  it('anything else is not a request', () => {
    expect(decodeRequest(Buffer.alloc(0))).toBeUndefined()
    expect(decodeRequest(payload(['patchbay/0', 'b', '/', '0', 'network', 'ls']))).toBeUndefined()
    expect(decodeRequest(payload([MAGIC, 'b', '/', '0', 'network', 'ls']).subarray(0, -1))).toBeUndefined() // no final NUL
    expect(decodeRequest(payload([MAGIC, 'b', '/', '3', 'A=1']))).toBeUndefined() // more variables than fields
    expect(decodeRequest(payload([MAGIC, 'b', '/', 'x', 'network']))).toBeUndefined()
    expect(decodeRequest(payload([MAGIC, 'b', '/', '1', 'NOEQUALS', 'network']))).toBeUndefined()
    expect(decodeRequest(payload([MAGIC, 'b', '/', '1', '=1', 'network']))).toBeUndefined()
  })

  it('a reply frame is its kind, a little-endian length and the data', () => {
    expect([...frame(Reply.exit, '1')]).toEqual([0x58, 1, 0, 0, 0, 0x31])
    expect([...frame(Reply.fallback)]).toEqual([0x46, 0, 0, 0, 0])
  })
})

describe('which commands the daemon may run, and on which root', () => {
  it('a hot command names its root: --root (relative to the client cwd), else PATCHBAY_ROOT, else the default', () => {
    expect(hotCall(['network', 'ls', '--root', 'state'], {}, '/home/a')).toMatchObject({ name: 'network ls', root: '/home/a/state' })
    expect(hotCall(['ps', '--root=/srv/pb'], { PATCHBAY_ROOT: '/other' }, '/')).toMatchObject({ name: 'ps', root: '/srv/pb' })
    expect(hotCall(['run', '--name', 'c1'], { PATCHBAY_ROOT: '/srv/pb' }, '/')).toMatchObject({ name: 'run', root: '/srv/pb' })
    expect(hotCall(['network', 'connect', 'n1', 'c1'], {}, '/')).toMatchObject({ name: 'network connect', root: '/var/lib/patchbay' })
  })

  it('anything the fast parser is unsure of is not one', () => {
    expect(hotCall(['events'], {}, '/')).toBeUndefined()
    expect(hotCall(['constructor'], {}, '/')).toBeUndefined()
    expect(hotCall(['network', 'toString'], {}, '/')).toBeUndefined()
    expect(hotCall(['network', 'ls', '--help'], {}, '/')).toBeUndefined()
    expect(hotCall(['network', 'ls', '--colour'], {}, '/')).toBeUndefined()
    expect(hotCall(['network', 'connect', 'n1'], {}, '/')).toBeUndefined()
    expect(hotCall(['run', '--pid', 'abc'], {}, '/')).toBeUndefined()
    expect(hotCall(['run', '--name', 'a', '--name', 'b'], {}, '/')).toBeUndefined()
  })
})
