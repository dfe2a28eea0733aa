/**
 * The outside world for one sandbox: a namespace of its own, linked to the sandbox host by a
 * veth, standing for the internet (203.0.113.10, a documentation address on its loopback) and
 * running echo-server.mjs on TCP and UDP. The sandbox routes only 203.0.113.0/24 to it, so
 * nothing leaves the machine. Every address here is one the test made.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type AsyncSandbox, type Result, hostCmd, randomHex } from '../sandbox.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))
export const ECHO_PORT = 7

export interface Outside {
  ns: string
  /** The outside's own address: what a container reaches it at. */
  address: string
  /** The sandbox host's address on the link: what a masqueraded packet comes from. */
  hostAddress: string
  /** Routes replies for a subnet of the sandbox back through it (a network that is not masqueraded needs that). */
  routeBack(subnet: string): void
  /** Links the sandbox to the outside again, after sb.reboot() took the sandbox's end with its namespace. */
  link(): void
  /** Runs echo-client.mjs in `container`: "from <address the server saw>" on stdout when it got through. */
  echo(container: string, proto: 'tcp' | 'udp', target?: string, port?: number): Promise<Result>
  cleanup(): void
}

function must(argv: string[]): void {
  const r = hostCmd(argv)
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim()}`)
}

export async function createOutside(sb: AsyncSandbox): Promise<Outside> {
  const ns = `pbt-out-${randomHex(4)}`
  let server: ChildProcess | undefined
  const cleanup = () => {
    if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGKILL')
    hostCmd(['ip', 'netns', 'del', ns])
  }
  sb.defer(cleanup)
  must(['ip', 'netns', 'add', ns])
  must(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  must(['ip', '-n', ns, 'addr', 'add', '203.0.113.10/32', 'dev', 'lo'])
  const link = () => {
    // Made inside the two namespaces: nothing appears in the machine's own, even for a moment.
    must(['ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'out0', 'netns', sb.ns])
    must(['ip', '-n', ns, 'addr', 'add', '198.51.100.2/24', 'dev', 'eth0'])
    must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up'])
    must(['ip', '-n', sb.ns, 'addr', 'add', '198.51.100.1/24', 'dev', 'out0'])
    must(['ip', '-n', sb.ns, 'link', 'set', 'out0', 'up'])
    must(['ip', '-n', sb.ns, 'route', 'add', '203.0.113.0/24', 'via', '198.51.100.2'])
  }
  link()
  server = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', process.execPath, join(HERE, 'echo-server.mjs'), String(ECHO_PORT), '203.0.113.10'], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    server!.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('listening') && resolve())
    server!.once('exit', (code) => reject(new Error(`echo server exited ${code}`)))
  })
  return {
    ns,
    address: '203.0.113.10',
    hostAddress: '198.51.100.1',
    routeBack: (subnet) => must(['ip', '-n', ns, 'route', 'replace', subnet, 'via', '198.51.100.1']),
    link,
    echo: (container, proto, target = '203.0.113.10', port = ECHO_PORT) =>
      sb.exec(container, [process.execPath, join(HERE, 'echo-client.mjs'), proto, target, String(port)]),
    cleanup,
  }
}
