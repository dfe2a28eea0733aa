import { describe, expect, it } from 'vitest'
import { mapNetlinkError } from '../../src/kernel/errors.js'

describe('netlink errors as one-line messages', () => {
  it('names known codes, and EXFULL (which Node cannot name) as a full bridge', () => {
    expect(mapNetlinkError(new Error('Request rejected: EEXIST'), 'create bridge pb0')).toMatchObject({ code: 'EEXIST', message: 'create bridge pb0: file exists' })
    expect(mapNetlinkError(new Error('Request rejected: Unknown system error -54'), 'create veth veth1234567')).toMatchObject({
      code: 'ERRNO54',
      message: 'create veth veth1234567: exchange full (a Linux bridge takes at most 1023 interfaces)',
    })
    expect(mapNetlinkError(new Error('Request rejected: -999'), 'x').message).toBe('x: ERRNO999')
  })
})
