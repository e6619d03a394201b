import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {dataDir, stopBackground} from '../../lib/devserver.js'

export default class ServerStop extends BaseCommand<typeof ServerStop> {
  static description = 'Stops the server `natsx server run --background` started (by its pid file). Stopping a server that is not running is not an error.'
  static examples = ['<%= config.bin %> server stop']
  static flags = {'data-dir': Flags.string({description: 'the data directory given to `server run`'})}
  static summary = 'Stop the local development server.'

  async run(): Promise<{pid?: number; stopped: boolean}> {
    const result = await stopBackground(this.flags['data-dir'] ?? dataDir())
    this.say(result.stopped ? `Stopped nats-server (pid ${result.pid})` : 'No natsx development server is running')
    return result
  }
}
