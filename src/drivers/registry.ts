import { UserError } from '../core/errors.js'
import type { DriverName } from '../events/types.js'
import { bridgeDriver } from './bridge/index.js'
import type { NetworkDriver } from './contract.js'
import { hostDriver } from './host/index.js'
import { nullDriver } from './null/index.js'

const DRIVERS = new Map<string, NetworkDriver>([bridgeDriver, hostDriver, nullDriver].map((d) => [d.name, d]))

/** The driver of a network the log holds. */
export function driverFor(name: DriverName): NetworkDriver {
  return DRIVERS.get(name)!
}

/** The driver a user names for a new network (`-d NAME`): one they may create networks of. */
export function driverNamed(name: string): NetworkDriver {
  const driver = DRIVERS.get(name)
  if (driver?.userCreatable) return driver
  if (driver) throw new UserError(`only one instance of "${name}" network is allowed`)
  if (name === 'overlay') {
    throw new UserError('driver "overlay" needs a cluster store (multi-host networking), which this version does not have yet; use -d bridge')
  }
  throw new UserError(`plugin "${name}" not found: the drivers are ${[...DRIVERS.keys()].join(', ')}`)
}
