// An echo server standing for the internet in the "outside" namespace:
//   node echo-server.mjs PORT ADDRESS...
// On TCP port PORT (every address) and UDP port PORT of each ADDRESS, it answers each
// connection or datagram with "from <peer address>", so a test sees whether a packet arrived
// masqueraded. UDP binds each address itself: from a wildcard socket the kernel would answer
// from the link's address, which the client's conntrack entry does not expect. Prints
// "listening" once all are bound.
import { createSocket } from 'node:dgram'
import { createServer, isIPv6 } from 'node:net'

const [portText, ...addresses] = process.argv.slice(2)
const port = Number(portText)
const peer = (address) => address.replace(/^::ffff:/, '')
const tcp = createServer((s) => s.end(`from ${peer(s.remoteAddress)}\n`))
const bindUdp = (address) =>
  new Promise((resolve) => {
    const udp = createSocket(isIPv6(address) ? 'udp6' : 'udp4')
    udp.on('message', (_msg, r) => udp.send(`from ${r.address}\n`, r.port, r.address))
    udp.bind(port, address, resolve)
  })
tcp.listen({ port, host: '::' }, () => Promise.all(addresses.map(bindUdp)).then(() => console.log('listening')))
