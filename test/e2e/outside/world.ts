/**
 * The outside world for one sandbox: a namespace of its own, linked to the sandbox host by a
 * veth, standing for the internet (203.0.113.10, a documentation address on its loopback) and
 * running echo-server.mjs on TCP and UDP; 2001:db8:10::10 for IPv6. The sandbox routes only
 * 203.0.113.0/24 and 2001:db8:10::/64 to it, so
 * nothing leaves the machine. Every address here is one the test made.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type AsyncSandbox, type Result, cmd, hostCmd, randomHex } from '../sandbox.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))
export const ECHO_PORT = 7

export interface Outside {
  ns: string
  /** The outside's own address: what a container reaches it at. */
  address: string
  /** The sandbox host's address on the link: what a masqueraded packet comes from. */
  hostAddress: string
  /** The same two for IPv6. */
  address6: string
  hostAddress6: string
  /** Routes replies for a subnet of the sandbox back through it (a network that is not masqueraded needs that). */
  routeBack(subnet: string): void
  /** Links the sandbox to the outside again, after sb.reboot() took the sandbox's end with its namespace. */
  link(): void
  /** Runs echo-client.mjs in `container`: "from <address the server saw>" on stdout when it got through. */
  echo(container: string, proto: 'tcp' | 'udp', target?: string, port?: number): Promise<Result>
  /** Runs echo-client.mjs in the outside namespace. */
  echoFromOutside(proto: 'tcp' | 'udp', target: string, port: number): Promise<Result>
  /** Runs echo-client.mjs in the sandbox host's own namespace. */
  echoFromHost(proto: 'tcp' | 'udp', target: string, port: number): Promise<Result>
  /** Starts echo-server.mjs in `container` on `port` (UDP on its address `address`); stopped with the sandbox. */
  serveIn(container: string, port: number, address: string): Promise<void>
  /** Starts echo-server.mjs in the sandbox host's own namespace: a process holding `port` there. */
  serveInHost(port: number): Promise<void>
  cleanup(): void
}

function must(argv: string[]): void {
  const r = hostCmd(argv)
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim()}`)
}

const CLIENT = join(HERE, 'echo-client.mjs')

/** Starts echo-server.mjs in the namespace at `nsPath`; resolves once it listens. Killed with the sandbox. */
async function startServer(sb: AsyncSandbox, nsPath: string, port: number, addresses: string[]): Promise<void> {
  const server = spawn('nsenter', [`--net=${nsPath}`, '--', process.execPath, join(HERE, 'echo-server.mjs'), String(port), ...addresses], { stdio: ['ignore', 'pipe', 'inherit'] })
  sb.defer(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL')
  })
  await new Promise<void>((resolve, reject) => {
    server.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('listening') && resolve())
    server.once('exit', (code) => reject(new Error(`echo server exited ${code}`)))
  })
}

export async function createOutside(sb: AsyncSandbox): Promise<Outside> {
  const ns = `pbt-out-${randomHex(4)}`
  const cleanup = () => hostCmd(['ip', 'netns', 'del', ns])
  sb.defer(cleanup)
  must(['ip', 'netns', 'add', ns])
  must(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  must(['ip', '-n', ns, 'addr', 'add', '203.0.113.10/32', 'dev', 'lo'])
  must(['ip', '-n', ns, 'addr', 'add', '2001:db8:10::10/128', 'dev', 'lo'])
  const link = () => {
    // A process of the old sandbox namespace may keep it, and the old link, alive after a reboot.
    hostCmd(['ip', '-n', ns, 'link', 'del', 'eth0'])
    // Made inside the two namespaces: nothing appears in the machine's own, even for a moment.
    must(['ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'out0', 'netns', sb.ns])
    must(['ip', '-n', ns, 'addr', 'add', '198.51.100.2/24', 'dev', 'eth0'])
    must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up'])
    must(['ip', '-n', sb.ns, 'addr', 'add', '198.51.100.1/24', 'dev', 'out0'])
    must(['ip', '-n', sb.ns, 'link', 'set', 'out0', 'up'])
    must(['ip', '-n', sb.ns, 'route', 'add', '203.0.113.0/24', 'via', '198.51.100.2'])
    // IPv6 too (without duplicate address detection, which would hold the addresses back a while).
    must(['ip', '-n', ns, 'addr', 'add', '2001:db8:1::2/64', 'dev', 'eth0', 'nodad'])
    must(['ip', '-n', sb.ns, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'out0', 'nodad'])
    must(['ip', '-n', sb.ns, 'route', 'add', '2001:db8:10::/64', 'via', '2001:db8:1::2'])
  }
  link()
  await startServer(sb, `/run/netns/${ns}`, ECHO_PORT, ['203.0.113.10', '2001:db8:10::10'])
  return {
    ns,
    address: '203.0.113.10',
    hostAddress: '198.51.100.1',
    address6: '2001:db8:10::10',
    hostAddress6: '2001:db8:1::1',
    routeBack: (subnet) => must(['ip', '-n', ns, 'route', 'replace', subnet, 'via', '198.51.100.1']),
    link,
    echo: (container, proto, target = '203.0.113.10', port = ECHO_PORT) => sb.exec(container, [process.execPath, CLIENT, proto, target, String(port)]),
    echoFromOutside: (proto, target, port) => cmd(['nsenter', `--net=/run/netns/${ns}`, '--', process.execPath, CLIENT, proto, target, String(port)]),
    echoFromHost: (proto, target, port) => cmd(['nsenter', `--net=/run/netns/${sb.ns}`, '--', process.execPath, CLIENT, proto, target, String(port)]),
    serveIn: async (container, port, address) => {
      const nsPath = (await sb.ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', container])).trim()
      await startServer(sb, nsPath, port, [address])
    },
    serveInHost: async (port) => void (await startServer(sb, `/run/netns/${sb.ns}`, port, [])),
    cleanup,
  }
}
