import type {Hook} from '@oclif/core/hooks'

import {ExitCode} from '../lib/errors.js'

/** An unknown command is a usage error: one line, exit 2, JSON on stderr under --json. */
const hook: Hook.CommandNotFound = async function (opts) {
  const id = opts.id.replaceAll(':', ' ')
  const message = `command "${id}" not found`
  const hint = 'see `natsx --help` for the commands'
  if (opts.argv?.includes('--json')) {
    process.stderr.write(JSON.stringify({error: {code: ExitCode.USAGE, hint, kind: 'usage', message}}) + '\n')
  } else {
    process.stderr.write(`natsx: ${message}; ${hint}\n`)
  }

  process.exit(ExitCode.USAGE)
}

export default hook
