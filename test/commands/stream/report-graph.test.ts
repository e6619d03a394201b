// stream report --graph: the table, then the largest streams by messages and by bytes drawn to scale.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

let server: NatsServer
beforeAll(async () => {
  server = await startServer()
  // G1 holds 40 small messages, G2 20, G3 10 large ones: G3 is the largest by bytes
  for (const [name, count, size] of [['G1', 40, 10], ['G2', 20, 10], ['G3', 10, 1000]] as const) {
    const add = await runCli(['stream', 'add', name, '--subjects', `${name.toLowerCase()}.>`, '-s', server.url])
    expect(add.code, add.stderr).toBe(0)
    const pub = await runCli(['pub', `${name.toLowerCase()}.x`, 'x'.repeat(size), '--count', String(count), '--jetstream', '-s', server.url])
    expect(pub.code, pub.stderr).toBe(0)
  }
}, 60_000)
afterAll(async () => {
  await server?.destroy()
})

/** The rows of the chart under `title`: name and the bar's length in eighths of a cell. */
function chart(stdout: string, title: string): Array<{eighths: number; name: string}> {
  const lines = stdout.split('\n')
  const rows: Array<{eighths: number; name: string}> = []
  for (const line of lines.slice(lines.indexOf(title) + 1)) {
    if (!line.includes('│')) break
    const [name, rest] = line.split('│')
    const cells = [...rest].filter((c) => '█▏▎▍▌▋▊▉'.includes(c))
    const eighths = cells.reduce((a, c) => a + (c === '█' ? 8 : '▏▎▍▌▋▊▉'.indexOf(c) + 1), 0)
    rows.push({eighths, name: name.trim()})
  }

  return rows
}

describe('stream report --graph', () => {
  it('draws the largest streams by messages and by bytes, largest first, to scale', async () => {
    const res = await runCli(['stream', 'report', '--graph', '-s', server.url], {env: {COLUMNS: '100'}})
    expect(res.code, res.stderr).toBe(0)
    // the table is still there
    expect(res.stdout).toMatch(/G1.*40/)
    const byMsgs = chart(res.stdout, 'Largest streams by messages:')
    expect(byMsgs.map((r) => r.name)).toEqual(['G1', 'G2', 'G3'])
    // 40 : 20 : 10, within one eighth of a cell
    expect(Math.abs(byMsgs[0].eighths - 2 * byMsgs[1].eighths)).toBeLessThanOrEqual(1)
    expect(Math.abs(byMsgs[0].eighths - 4 * byMsgs[2].eighths)).toBeLessThanOrEqual(2)
    const byBytes = chart(res.stdout, 'Largest streams by bytes:')
    expect(byBytes[0].name).toBe('G3')
  })

  it('changes nothing in --json', async () => {
    const plain = await runCli(['stream', 'report', '--json', '-s', server.url])
    const graphed = await runCli(['stream', 'report', '--json', '--graph', '-s', server.url])
    expect(graphed.code, graphed.stderr).toBe(0)
    expect(graphed.json()).toEqual(plain.json())
  })
})
