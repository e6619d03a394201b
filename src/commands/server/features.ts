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
    'natsx refuses, with exit 8, every option the connected server would not honour (2.9 and 2.10 silently drop what they do not know, 2.12+ reject it). This lists the rows of the README table "What each server version supports" — each stream and consumer field, header and verb nats-server 2.10 → 2.15 added, the version and JetStream API level it needs, whether natsx offers it — and whether the connected server has it; and says whether the server is in a cluster (placement and replicas > 1 need one) and has JetStream.'
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
        ['FEATURE', 'KIND', 'NEEDS', 'API LEVEL', 'THIS SERVER', 'NATSX'],
        features.map((f) => [
          f.label,
          f.kind,
          f.requires,
          f.api_level === undefined ? '–' : String(f.api_level),
          f.supported ? 'yes' : 'no',
          f.offered === false ? 'not offered yet' : f.supported ? `offers it (${f.offered})` : 'refuses it (exit 8)',
        ]),
      ),
    )
    return result
  }
}
