import {describe, expect, it} from 'vitest'

import {runCli, spawnCli} from '../../helpers/cli.js'
import {startServer} from '../../helpers/servers.js'

describe('kv watch when the server dies', () => {
  it('is exit 6 with one line saying the watch ended, after printing what came', async () => {
    const server = await startServer()
    try {
      expect((await runCli(['kv', 'add', 'DIES', '-s', server.url])).code).toBe(0)
      const watch = spawnCli(['kv', 'watch', 'DIES', '--json', '-s', server.url])
      await watch.waitFor('watching bucket DIES', 'stderr')
      expect((await runCli(['kv', 'put', 'DIES', 'k', 'v1', '-s', server.url])).code).toBe(0)
      await watch.waitFor('"key":"k"')
      process.kill(server.pid!, 'SIGKILL')
      const res = await watch.done
      expect(res.code, res.stderr).toBe(6)
      expect(res.stdout.trim().split('\n')).toHaveLength(1)
      const error = JSON.parse(res.stderr.trim().split('\n').at(-1)!) as {error: {kind: string; message: string}}
      expect(error.error).toMatchObject({kind: 'connection', message: 'the connection to the server was lost; the watch of bucket DIES ended after 1 entry'})
    } finally {
      await server.destroy()
    }
  })
})
