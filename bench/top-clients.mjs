// Child process of bench/top.mjs: opens N client connections spread over the given servers (each subscribes to one
// subject; every tenth publishes 10 msgs/s), prints "ready" and holds them until stdin closes.
import {connect} from '@nats-io/transport-node'

const urlList = process.argv[2]
const countArg = process.argv[3]
const urls = urlList.split(',')
const count = Number(countArg)
const conns = []
for (let i = 0; i < count; i += 50) {
  const batch = []
  for (let j = i; j < Math.min(count, i + 50); j++) {
    batch.push(
      connect({name: `bench-${j}`, servers: urls[j % urls.length]}).then((nc) => {
        nc.subscribe(`bench.${j % 100}`, {callback() {}})
        return nc
      }),
    )
  }

  conns.push(...(await Promise.all(batch)))
}

const payload = new Uint8Array(64)
const timer = setInterval(() => {
  for (let j = 0; j < conns.length; j += 10) conns[j].publish(`bench.${j % 100}`, payload)
}, 100)
process.stdout.write('ready\n')
process.stdin.resume()
process.stdin.on('end', async () => {
  clearInterval(timer)
  await Promise.all(conns.map((c) => c.close().catch(() => {})))
  process.exit(0)
})
