import type { NetworkDriver } from '../contract.js'
import { noLinks } from '../no-links.js'

/** The `none` network: a container with loopback only, and on no other network. */
export const nullDriver: NetworkDriver = { ...noLinks, name: 'null', sharesHost: false }
