import type { NetworkDriver } from '../contract.js'
import { noLinks } from '../no-links.js'

/** The `host` network: its one container kind uses the host's own namespace; nothing to make. */
export const hostDriver: NetworkDriver = { ...noLinks, name: 'host', sharesHost: true }
