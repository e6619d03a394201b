import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {contextExists, emptyContext, loadContext, saveContext, selectContext} from '../../lib/context-store.js'
import {dataDir, type DevServerInfo, runForeground, startBackground} from '../../lib/devserver.js'
import {ExitCode, NatsxError} from '../../lib/errors.js'
import {intFlag} from '../../lib/flags.js'

export default class ServerRun extends BaseCommand<typeof ServerRun> {
  static description = `Starts the newest nats-server binary found (on PATH, in /usr/sbin, or fetched by natsx's set-up into .servers/) on 127.0.0.1 with JetStream and HTTP monitoring, its store under the natsx data directory ($XDG_DATA_HOME/natsx/server).
It saves a context (default "dev") pointing at it and selects it. With --background it writes a pid file and returns once the server accepts connections; \`natsx server stop\` stops it.`
  static examples = ['<%= config.bin %> server run --background', '<%= config.bin %> server run --port 4333 --monitor-port 8333 --context-name dev2']
  static flags = {
    background: Flags.boolean({description: 'run in the background (pid file; stop with `natsx server stop`)'}),
    'context-name': Flags.string({default: 'dev', description: 'context to save for this server and select'}),
    'data-dir': Flags.string({description: 'where the store, log and pid file live [default: $XDG_DATA_HOME/natsx/server]'}),
    'monitor-port': intFlag({min: 1})({default: 8222, description: 'HTTP monitoring port'}),
    name: Flags.string({default: 'natsx-dev', description: 'server name'}),
    'no-select': Flags.boolean({description: 'save the context but do not select it'}),
    port: intFlag({min: 1})({default: 4222, description: 'client port'}),
  }
  static summary = 'Run a local development nats-server with JetStream.'

  async run(): Promise<DevServerInfo | void> {
    const {flags} = this
    const options = {dataDir: flags['data-dir'] ?? dataDir(), monitorPort: flags['monitor-port'], name: flags.name, port: flags.port, root: this.config.root}
    await this.saveDevContext(flags['context-name'], `nats://127.0.0.1:${flags.port}`, !flags['no-select'])
    if (flags.background) {
      const info = await startBackground(options)
      info.context = flags['context-name']
      this.say(`nats-server ${info.already_running ? 'is already running' : `${info.version} started`} (pid ${info.pid}) at ${info.url}, monitoring ${info.monitor}`)
      this.say(`context "${info.context}" ${flags['no-select'] ? 'saved' : 'selected'}; stop it with \`natsx server stop\``)
      return info
    }

    const code = await runForeground(options, this.interrupt.signal)
    if (code !== 0 && !this.interrupt.signal.aborted) throw new NatsxError(ExitCode.UNEXPECTED, `nats-server exited with code ${code}`)
  }

  private async saveDevContext(name: string, url: string, select: boolean): Promise<void> {
    const ctx = (await contextExists(name)) ? await loadContext(name) : emptyContext()
    ctx.url = url
    ctx.description ||= 'natsx local development server'
    await saveContext(name, ctx)
    if (select) await selectContext(name)
  }
}
