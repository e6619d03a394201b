/** A flush with a limit: acknowledgements count as confirmed only once the server has read what was sent before. */
import type {NatsConnection} from '@nats-io/transport-node'

import {connectionError} from './errors.js'

/** A flush that gives up after `ms` (exit 6): the server has read everything sent before it. */
export async function flushWithin(nc: NatsConnection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      nc.flush(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(connectionError(`the server did not confirm the acknowledgements within ${ms}ms`, 'check the server; raise --timeout')), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
