// The client of echo-server.mjs, run inside a container or a host namespace:
//   node echo-client.mjs tcp|udp HOST PORT
// Prints the server's answer and exits 0, or exits 1 with the reason after 2 s without one.
import { createSocket } from 'node:dgram'
import { connect, isIPv6 } from 'node:net'

const [proto, host, portText] = process.argv.slice(2)
const port = Number(portText)
const fail = (why) => {
  process.stderr.write(`echo-client: ${proto} ${host}:${port}: ${why}\n`)
  process.exit(1)
}
setTimeout(() => fail('no answer in 2 s'), 2000).unref()
if (proto === 'tcp') {
  const s = connect({ host, port })
  let text = ''
  s.setEncoding('utf8').on('data', (d) => (text += d))
  s.on('end', () => {
    process.stdout.write(text)
    process.exit(0)
  })
  s.on('error', (e) => fail(e.code ?? e.message))
} else {
  const u = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
  u.on('message', (m) => {
    process.stdout.write(m.toString())
    process.exit(0)
  })
  u.on('error', (e) => fail(e.code ?? e.message))
  u.send('hello', port, host)
}
