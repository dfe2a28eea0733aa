import { UserError } from '../core/errors.js'
import type { DriverName } from '../events/types.js'
import { bridgeDriver } from './bridge/index.js'
import type { NetworkDriver } from './contract.js'
import { hostDriver } from './host/index.js'
import { nullDriver } from './null/index.js'
import { overlayDriver } from './overlay/index.js'

const DRIVERS = new Map<string, NetworkDriver>([bridgeDriver, hostDriver, nullDriver, overlayDriver].map((d) => [d.name, d]))

/** The driver of a network the log holds. */
export function driverFor(name: DriverName): NetworkDriver {
  return DRIVERS.get(name)!
}

/** Whether networks of the driver a user names span hosts (false for a name no driver has). */
export function spansHosts(name: string): boolean {
  return DRIVERS.get(name)?.scope === 'global'
}

/** The driver a user names for a new network (`-d NAME`): one they may create networks of. */
export function driverNamed(name: string): NetworkDriver {
  const driver = DRIVERS.get(name)
  if (driver?.userCreatable) return driver
  if (driver) throw new UserError(`only one instance of "${name}" network is allowed`)
  throw new UserError(`plugin "${name}" not found: the drivers are ${[...DRIVERS.keys()].join(', ')}`)
}
