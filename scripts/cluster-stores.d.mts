/** Types of cluster-stores.mjs (plain JavaScript, shared by the e2e harness and bench/). */
export declare const CONSUL: string

export interface StoreCommand {
  /** What --cluster-store takes: consul://ADDR:8500, etcd://ADDR:2379. */
  url: string
  argv: string[]
  ready: string[]
}

export declare function storeServer(kind: 'consul' | 'etcd', where: { address: string; name: string; dataDir: string }): StoreCommand
