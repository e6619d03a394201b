import {BaseCommand} from '../../lib/base-command.js'
import {type FeatureRow, featureRows} from '../../lib/capabilities.js'
import {renderTable} from '../../lib/format/table.js'

export interface ServerFeaturesResult {
  api_level: number
  clustered: boolean
  features: FeatureRow[]
  jetstream: boolean
  server_version: string
}

export default class ServerFeatures extends BaseCommand<typeof ServerFeatures> {
  static description =
    'natsx refuses, with exit 8, every option the connected server would not honour (a 2.9 server silently drops what it does not know). This lists those options with the version each needs, and says whether the server is in a cluster (placement and replicas > 1 need one) and has JetStream.'
  static examples = ['<%= config.bin %> server features', '<%= config.bin %> server features --json --server nats://prod:4222']
  static summary = 'What the connected server honours: version, API level, options.'

  async run(): Promise<ServerFeaturesResult> {
    const caps = await this.capabilities()
    const {jetstream} = caps
    const features = featureRows(caps)
    const result = {...caps.toJSON(), features, jetstream}
    this.say(`nats-server ${caps.version}, JetStream API level ${caps.apiLevel}, ${caps.clustered ? 'in a cluster' : 'not in a cluster'}, JetStream ${jetstream ? 'available' : 'not available to this account'}\n`)
    this.say(
      renderTable(
        ['OPTION', 'NEEDS', 'HONOURED'],
        features.map((f) => [f.label, f.requires, f.supported ? 'yes' : 'no (natsx refuses it)']),
      ),
    )
    return result
  }
}
