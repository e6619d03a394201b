/**
 * The base of the monitoring commands (`top` excepted): the transport flags, and the transport opened from them and
 * closed when the command ends. `--monitor` reads HTTP; otherwise the system account is asked over NATS.
 */
import type {Command} from '@oclif/core/command'

import type {MonitorTransport} from './transport.js'

import {BaseCommand} from '../base-command.js'
import {usageError} from '../errors.js'
import {chooseTransport, openTransport} from './options.js'

export abstract class MonitorCommand<T extends typeof Command> extends BaseCommand<T> {
  /** a NATS connection (the system account transport) resumes after a drop: set by live views before transport() */
  protected reconnects = false
  private _transport?: MonitorTransport

  override async finally(error: Error | undefined): Promise<void> {
    await this._transport?.close()
    await super.finally(error)
  }

  protected async transport(): Promise<MonitorTransport> {
    if (this._transport) return this._transport
    const choice = this.transportChoice()
    this._transport = await openTransport(choice, await this.connectionSettings(), () => this.nc({reconnect: this.reconnects}))
    return this._transport
  }

  /** Validate the transport flags (exit 2) before anything is opened. */
  protected transportChoice(): ReturnType<typeof chooseTransport> {
    try {
      return chooseTransport(this.flags as {monitor?: string[]; sys?: boolean}, 'sys')
    } catch (error) {
      throw usageError((error as Error).message)
    }
  }
}
