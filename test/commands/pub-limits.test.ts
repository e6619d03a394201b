import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {startServer} from '../helpers/servers.js'

const varz = async (url: string): Promise<{in_msgs: number; total_connections: number}> => (await (await fetch(`${url}/varz`)).json()) as {in_msgs: number; total_connections: number}

describe('pub: the server\'s control line limit', () => {
  it('a 5,000-character subject is refused before sending: exit 2, one line naming the limit, nothing published', async () => {
    const server = await startServer({jetstream: false})
    try {
      const subject = 's'.repeat(5000)
      for (const args of [['pub', subject, 'hi'], ['pub', 'ok', 'hi', '--reply', subject], ['request', subject, 'hi']]) {
        const res = await runCli([...args, '-s', server.url])
        expect(res.code, res.stderr).toBe(2)
        expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
        expect(res.stderr).toMatch(/too long: the protocol line that carries it would be \d+ bytes, over the server's max_control_line of 4096 bytes/)
      }

      const json = await runCli(['pub', subject, 'hi', '--json', '-s', server.url])
      expect(json.code).toBe(2)
      expect(JSON.parse(json.stderr)).toMatchObject({error: {code: 2, kind: 'usage'}})
      expect((await varz(server.monitorUrl)).in_msgs).toBe(0)
    } finally {
      await server.destroy()
    }
  })

  it('a connection the server closes for a protocol error is exit 6 with one line saying why', async () => {
    // the server's limit is lower than the default natsx assumes (INFO does not carry it), so the server refuses
    const server = await startServer({config: 'max_control_line: 256\n', jetstream: false})
    try {
      const subject = 's'.repeat(400)
      for (const args of [['pub', subject, 'hi'], ['pub', subject, 'hi', '--count', '5'], ['request', subject, 'hi']]) {
        const started = Date.now()
        const res = await runCli([...args, '--timeout', '20s', '-s', server.url], {timeoutMs: 40_000})
        expect(res.code, res.stderr).toBe(6)
        // the server's -ERR names the reason; when it hangs up while natsx is still writing, the kernel may drop that
        // line (a reset), and then the drop itself is what natsx can say
        expect(res.stderr.trim().split('\n'), res.stderr).toEqual([
          expect.stringMatching(/^natsx: (the server closed the connection: maximum control line exceeded|lost the connection)/),
        ])
        // said at once, not after the --timeout of a flush that will never be answered
        expect(Date.now() - started).toBeLessThan(15_000)
      }
    } finally {
      await server.destroy()
    }
  })
})
