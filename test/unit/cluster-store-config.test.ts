import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openClusterStore, storeConfig } from '../../src/cluster/open-store.js'
import { parseStoreUrl } from '../../src/cluster/store-url.js'

const USAGE = 'use consul://HOST:PORT or etcd://HOST:PORT'

describe('--cluster-store URLs', () => {
  it('reads consul and etcd URLs, with the prefix defaulting to "patchbay"', () => {
    expect(parseStoreUrl('consul://10.99.0.1:8500')).toEqual({ kind: 'consul', host: '10.99.0.1', port: 8500, prefix: 'patchbay' })
    expect(parseStoreUrl('etcd://store.example:2379/team-a/pb/')).toEqual({ kind: 'etcd', host: 'store.example', port: 2379, prefix: 'team-a/pb' })
    expect(parseStoreUrl('ETCD://[fd00::1]:2379')).toMatchObject({ kind: 'etcd', host: '[fd00::1]', port: 2379 })
  })

  it('refuses other stores, naming them', () => {
    expect(() => parseStoreUrl('zookeeper://10.0.0.1:2181')).toThrow(`unsupported cluster store "zookeeper": ${USAGE}`)
    expect(() => parseStoreUrl('boltdb:///var/lib/kv.db')).toThrow(`unsupported cluster store "boltdb": ${USAGE}`)
  })

  it('refuses malformed URLs with one line saying what is wrong', () => {
    const cases: [string, string][] = [
      ['10.0.0.1:8500', `invalid cluster store "10.0.0.1:8500": ${USAGE}`],
      ['consul://', 'no host'],
      ['consul://10.0.0.1', 'no port'],
      ['consul://10.0.0.1:99999', 'not a URL'],
      ['etcd://u:secret@10.0.0.1:2379', 'credentials do not belong in the URL'],
      ['etcd://10.0.0.1:2379/pb?x=1', 'no query or fragment'],
      ['consul://10.0.0.1:8500/a b', 'may hold only'],
      ['consul://10.0.0.1:8500/../x', 'may hold only'],
    ]
    for (const [url, why] of cases) {
      expect(() => parseStoreUrl(url), url).toThrow(why)
      try {
        parseStoreUrl(url)
      } catch (e) {
        expect((e as Error).message).not.toContain('\n')
        expect((e as Error).name).toBe('UserError')
      }
    }
  })
})

describe('store options and credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-store-config-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }

  it('names the store and takes the timeout, 2 s by default', () => {
    expect(storeConfig(parseStoreUrl('consul://10.99.0.1:8500'), { env: {} })).toEqual({
      url: parseStoreUrl('consul://10.99.0.1:8500'),
      description: 'consul at 10.99.0.1:8500',
      timeoutMs: 2000,
    })
    expect(storeConfig(parseStoreUrl('etcd://h:2379'), { timeoutMs: 500, env: {} }).timeoutMs).toBe(500)
  })

  it('turns TLS on with kv.cacertfile, kv.certfile and kv.keyfile, reading each file', () => {
    const storeOpts = { 'kv.cacertfile': file('ca.pem', 'CA'), 'kv.certfile': file('cert.pem', 'CERT'), 'kv.keyfile': file('key.pem', 'KEY') }
    const { tls } = storeConfig(parseStoreUrl('etcd://h:2379'), { storeOpts, env: {} })
    expect(tls).toEqual({ ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') })
    expect(storeConfig(parseStoreUrl('consul://h:8501'), { storeOpts: { 'kv.cacertfile': storeOpts['kv.cacertfile'] }, env: {} }).tls).toEqual({
      ca: Buffer.from('CA'),
    })
  })

  it('refuses unknown options, a missing file, and a certificate without its key', () => {
    const url = parseStoreUrl('consul://h:8500')
    expect(() => storeConfig(url, { storeOpts: { 'kv.path': 'x' } })).toThrow('unknown cluster store option "kv.path": use kv.cacertfile, kv.certfile or kv.keyfile')
    expect(() => storeConfig(url, { storeOpts: { 'kv.cacertfile': join(dir, 'nope.pem') } })).toThrow(`cannot read kv.cacertfile ${join(dir, 'nope.pem')}: no such file`)
    expect(() => storeConfig(url, { storeOpts: { 'kv.certfile': file('c.pem', 'C') } })).toThrow('kv.certfile and kv.keyfile go together')
  })

  it("reads consul's ACL token and etcd's user from the environment, each for its own store", () => {
    const env = { CONSUL_HTTP_TOKEN: 'tok', ETCD_USERNAME: 'pb', ETCD_PASSWORD: 'pw' }
    expect(storeConfig(parseStoreUrl('consul://h:8500'), { env })).toMatchObject({ token: 'tok' })
    expect(storeConfig(parseStoreUrl('consul://h:8500'), { env }).auth).toBeUndefined()
    expect(storeConfig(parseStoreUrl('etcd://h:2379'), { env })).toMatchObject({ auth: { username: 'pb', password: 'pw' } })
    expect(storeConfig(parseStoreUrl('etcd://h:2379'), { env }).token).toBeUndefined()
    expect(() => storeConfig(parseStoreUrl('etcd://h:2379'), { env: { ETCD_USERNAME: 'pb' } })).toThrow('ETCD_USERNAME and ETCD_PASSWORD go together')
  })

  it('opens the store the URL names, without contacting it', async () => {
    const consul = await openClusterStore('consul://127.0.0.1:1/x', { env: {} })
    expect(consul.description).toBe('consul at 127.0.0.1:1')
    await consul.close()
    const etcd = await openClusterStore('etcd://127.0.0.1:1', { env: {} })
    expect(etcd.description).toBe('etcd at 127.0.0.1:1')
    await etcd.close()
    await expect(openClusterStore('redis://h:6379')).rejects.toThrow('unsupported cluster store "redis"')
  })
})
