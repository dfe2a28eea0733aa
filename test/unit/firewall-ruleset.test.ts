import { describe, expect, it } from 'vitest'
import { renderEmpty, renderRuleset } from '../../src/firewall/ruleset.js'

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean)

describe('renderRuleset', () => {
  it('replaces the table atomically: declare, delete, then redefine', () => {
    const out = lines(renderRuleset([]))
    expect(out.slice(0, 3)).toEqual(['table inet patchbay {}', 'delete table inet patchbay', 'table inet patchbay {'])
    expect(out.at(-1)).toBe('}')
  })

  it('renders an empty table with no set elements and no rules', () => {
    const out = renderEmpty()
    expect(out).toBe(renderRuleset([]))
    expect(out).not.toContain('elements')
    expect(out).not.toMatch(/drop|masquerade/)
    expect(out).toContain('type filter hook forward priority filter; policy accept;')
    expect(out).toContain('type nat hook postrouting priority srcnat; policy accept;')
  })

  it('isolates bridges from each other and masquerades non-internal subnets', () => {
    const out = renderRuleset([
      { bridge: 'pb-bbb', subnet: '10.2.0.0/24', internal: false, masquerade: true },
      { bridge: 'pb-aaa', subnet: '10.1.0.0/24', internal: false, masquerade: true },
    ])
    expect(out).toContain('elements = { "pb-aaa", "pb-bbb" }')
    expect(lines(out)).toEqual(
      expect.arrayContaining([
        'iifname "pb-bbb" oifname @bridges oifname != "pb-bbb" drop',
        'iifname "pb-aaa" oifname @bridges oifname != "pb-aaa" drop',
        'ip saddr 10.2.0.0/24 oifname != @bridges masquerade',
        'ip saddr 10.1.0.0/24 oifname != @bridges masquerade',
      ]),
    )
  })

  it('seals internal networks in both directions and never masquerades them', () => {
    const out = renderRuleset([{ bridge: 'pb-int', subnet: '10.9.0.0/24', internal: true, masquerade: true }])
    expect(lines(out)).toEqual(
      expect.arrayContaining(['iifname "pb-int" oifname != "pb-int" drop', 'oifname "pb-int" iifname != "pb-int" drop']),
    )
    expect(out).toContain('elements = { "pb-int" }')
    expect(out).not.toContain('masquerade')
  })

  it('puts forward rules in the forward chain and nat rules in the postrouting chain', () => {
    const out = renderRuleset([{ bridge: 'pb-a', subnet: '10.1.0.0/24', internal: false, masquerade: true }])
    const forward = out.slice(out.indexOf('chain forward'), out.indexOf('chain postrouting'))
    const postrouting = out.slice(out.indexOf('chain postrouting'))
    expect(forward).toContain('drop')
    expect(forward).not.toContain('masquerade')
    expect(postrouting).toContain('masquerade')
    expect(postrouting).not.toContain('drop')
  })

  it('is deterministic', () => {
    const nets = [
      { bridge: 'pb-a', subnet: '10.1.0.0/24', internal: false, masquerade: true },
      { bridge: 'pb-b', subnet: '10.2.0.0/24', internal: true, masquerade: true },
    ]
    expect(renderRuleset(nets)).toBe(renderRuleset(nets.map((n) => ({ ...n }))))
  })

  it('refuses names and subnets that could inject nft syntax', () => {
    expect(() => renderRuleset([{ bridge: 'pb" drop', subnet: '10.1.0.0/24', internal: false, masquerade: true }])).toThrow(/bridge name/)
    expect(() => renderRuleset([{ bridge: 'this-name-is-too-long', subnet: '10.1.0.0/24', internal: false, masquerade: true }])).toThrow(/bridge name/)
    expect(() => renderRuleset([{ bridge: 'pb-a', subnet: '10.1.0.0/24 accept', internal: false, masquerade: true }])).toThrow(/subnet/)
    expect(() => renderRuleset([{ bridge: 'pb-a', subnet: '300.1.0.0/24', internal: false, masquerade: true }])).toThrow(/subnet/)
    expect(() => renderRuleset([{ bridge: 'pb-a', subnet: '10.1.0.0/33', internal: false, masquerade: true }])).toThrow(/subnet/)
  })
})
