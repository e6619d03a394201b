import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {readCredential} from '../../../lib/checks/credential.js'
import {credentialObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {durationFlag} from '../../../lib/flags.js'

export type CredentialCheckResult = ResourceCheckResult

export default class CheckCredential extends ResourceCheckCommand<typeof CheckCredential> {
  static args = {file: Args.string({description: 'a .creds file or a JWT', required: true})}
  static description = `Reads the user JWT in a credentials file (or a bare JWT) and checks how long it stays valid. No connection is made. A file that cannot be read or holds no JWT is UNKNOWN; an expired one is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check credential ~/.nkeys/app.creds --validity-warning 30d --validity-critical 7d --format nagios',
    '<%= config.bin %> server check credential app.creds --require-expiry',
  ]
  static flags = {
    format: formatFlag,
    'require-expiry': Flags.boolean({description: 'critical when the credential never expires'}),
    'validity-critical': durationFlag({description: 'critical when it expires within this'}),
    'validity-warning': durationFlag({description: 'warning when it expires within this'}),
  }
  static summary = 'Check when a credentials file expires (no connection), with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    const claims = await readCredential(args.file)
    const observations = credentialObservations(
      claims,
      {requireExpiry: flags['require-expiry'], validity: {crit: flags['validity-critical'], warn: flags['validity-warning']}},
      Date.now(),
    )
    return resourceResult('credential', this.target(), observations)
  }

  protected kind(): 'credential' {
    return 'credential'
  }

  protected target(): string {
    return this.args.file
  }
}
