// How the multi-host tests and benchmarks run a throw-away one-server consul or etcd inside a
// host namespace: the binaries scripts/install-cluster-stores.sh installs, their command lines
// (every listener on one address, data in a scratch directory) and a write that succeeds once
// the store serves. Plain JavaScript, so that bench/ (run by node as it is) can use it too.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CONSUL = fileURLToPath(new URL('../vendor/consul/usr/bin/consul', import.meta.url))
const ETCD = '/usr/bin/etcd'
const ETCDCTL = '/usr/bin/etcdctl'
const INSTALL_HINT = 'run scripts/install-cluster-stores.sh as root'

/**
 * `kind` ('consul' or 'etcd') serving on `address` only, as node `name`, its data in `dataDir`
 * (absent or empty: a new store). Returns { url } (what --cluster-store takes), the server's
 * { argv } and { ready }: argv of a write that exits 0 once the store answers.
 */
export function storeServer(kind, { address: a, name, dataDir }) {
  if (kind === 'consul') {
    if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: ${INSTALL_HINT}`)
    return {
      url: `consul://${a}:8500`,
      // A real one-server cluster (raft, data on disk). DNS and gRPC are off; no update check
      // (there is no route off the machine anyway).
      argv: [
        CONSUL, 'agent', '-server', '-bootstrap-expect=1', `-node=${name}`,
        `-bind=${a}`, `-advertise=${a}`, `-client=${a}`, `-data-dir=${dataDir}`,
        '-dns-port=-1', '-grpc-port=-1', '-log-level=warn',
        '-hcl=disable_update_check = true', '-hcl=performance { raft_multiplier = 1 }',
      ],
      ready: [CONSUL, 'kv', 'put', `-http-addr=http://${a}:8500`, 'pbc-ready', 'ok'],
    }
  }
  if (kind === 'etcd') {
    if (!existsSync(ETCD) || !existsSync(ETCDCTL)) throw new Error(`etcd or etcdctl is missing: ${INSTALL_HINT}`)
    return {
      url: `etcd://${a}:2379`,
      argv: [
        ETCD, `--name=${name}`, `--data-dir=${dataDir}`,
        `--listen-client-urls=http://${a}:2379`, `--advertise-client-urls=http://${a}:2379`,
        `--listen-peer-urls=http://${a}:2380`, `--initial-advertise-peer-urls=http://${a}:2380`,
        `--initial-cluster=${name}=http://${a}:2380`, '--logger=zap', '--log-level=warn',
      ],
      ready: [ETCDCTL, `--endpoints=http://${a}:2379`, '--command-timeout=1s', 'put', 'pbc-ready', 'ok'],
    }
  }
  throw new Error(`unknown cluster store kind ${kind}`)
}
