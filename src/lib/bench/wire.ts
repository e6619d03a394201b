/**
 * The publishing end of the JetStream publish loops: PUB/HPUB frames written straight into one buffer of many
 * messages, which is handed to the connection's protocol writer in one piece. `nc.publish()` builds a protocol
 * line, encodes it and its headers (a `MsgHdrs` object each time) and queues three buffers per message; a batch
 * publisher whose headers differ only in a number pays that for nothing, and on a shared machine the CPU it costs
 * is throughput lost. The frames are byte for byte what `nc.publish()` would send.
 *
 * The protocol writer (`sendCommand`, `flushPending`) is nats.js's own but not its public API: when a nats.js
 * version no longer has it, the writer falls back to `nc.publish()` (slower, the same messages), and
 * `test/lib/bench/wire.test.ts` fails so that the fallback is noticed.
 */
import type {MsgHdrs, NatsConnection} from '@nats-io/transport-node'

import {connectionError, usageError} from '../errors.js'

interface ProtocolWriter {
  flushPending(): void
  sendCommand(cmd: Uint8Array): void
}

/** Bytes gathered before they are handed on (nats.js itself flushes its outbound buffer at 32 KiB). */
const CHUNK = 64 * 1024
const CR = 0x0D
const LF = 0x0A
/** a subject or reply subject the server would refuse: empty, with white space, or an empty token */
const BAD_SUBJECT = /^$|\s|^\.|\.$|\.\./

/** The connection's protocol writer, or undefined when this nats.js has none (then `nc.publish()` is used). */
export function protocolWriter(nc: NatsConnection): ProtocolWriter | undefined {
  const p = (nc as unknown as {protocol?: Partial<ProtocolWriter>}).protocol
  return typeof p?.sendCommand === 'function' && typeof p.flushPending === 'function' ? (p as ProtocolWriter) : undefined
}

/** The text of a header block (`NATS/1.0\r\n…\r\n\r\n`) as nats.js headers, for the fallback. */
function toMsgHdrs(make: () => MsgHdrs, text: string): MsgHdrs {
  const h = make()
  for (const line of text.split('\r\n').slice(1)) {
    const i = line.indexOf(':')
    if (i > 0) h.append(line.slice(0, i), line.slice(i + 1).trim())
  }

  return h
}

export class Wire {
  /** true when frames go through the protocol writer, false when each message is an `nc.publish()` */
  readonly raw: boolean
  private buf: Buffer
  private checked = ''
  private readonly makeHeaders: () => MsgHdrs
  private readonly maxPayload: number
  private readonly nc: NatsConnection
  private off = 0
  private readonly proto?: ProtocolWriter

  constructor(nc: NatsConnection, makeHeaders: () => MsgHdrs) {
    this.nc = nc
    this.makeHeaders = makeHeaders
    this.proto = protocolWriter(nc)
    this.raw = this.proto !== undefined
    this.maxPayload = nc.info?.max_payload ?? Number.POSITIVE_INFINITY
    this.buf = Buffer.allocUnsafe(this.raw ? CHUNK : 0)
  }

  /** Hand what is gathered to the connection (before every wait, or nothing would be sent). */
  flush(): void {
    if (this.off === 0 || !this.proto) return
    if (this.nc.isClosed()) throw connectionError('the connection to the server is closed', 'check the server and run again')
    // the buffer is the connection's now (it may be queued until the socket takes it): the next one is new
    this.proto.sendCommand(this.buf.subarray(0, this.off))
    this.proto.flushPending()
    this.buf = Buffer.allocUnsafe(CHUNK)
    this.off = 0
  }

  /**
   * One message. `headers` is the whole header block as text (ASCII, `NATS/1.0\r\n` … `\r\n\r\n`) or '' for none;
   * `reply` is '' for none. The subject is checked the first time it is seen (as `nc.publish()` checks each).
   */
  pub(subject: string, reply: string, headers: string, data: Uint8Array): void {
    if (subject !== this.checked) {
      if (BAD_SUBJECT.test(subject) || subject.includes('*') || subject.includes('>'))
        throw usageError(`"${subject}" is not a subject to publish to`, 'pass a subject without wildcards or spaces')
      this.checked = subject
    }

    if (!this.proto) {
      const options = headers ? {headers: toMsgHdrs(this.makeHeaders, headers), reply} : {reply}
      this.nc.publish(subject, data, options)
      return
    }

    const hlen = headers.length
    const total = hlen + data.length
    if (total > this.maxPayload)
      throw usageError(`a message of ${total} bytes (with its headers) is larger than the server's max_payload ${this.maxPayload}`, 'pass a smaller --size')
    const line = hlen > 0
      ? (reply ? `HPUB ${subject} ${reply} ${hlen} ${total}\r\n${headers}` : `HPUB ${subject} ${hlen} ${total}\r\n${headers}`)
      : (reply ? `PUB ${subject} ${reply} ${total}\r\n` : `PUB ${subject} ${total}\r\n`)
    // at most 3 bytes a UTF-16 unit: room for the line however the subject is spelt
    const need = line.length * 3 + data.length + 2
    if (this.off + need > this.buf.length) {
      this.flush()
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need)
    }

    this.off += this.buf.write(line, this.off)
    this.buf.set(data, this.off)
    this.off += data.length
    this.buf[this.off++] = CR
    this.buf[this.off++] = LF
  }
}
