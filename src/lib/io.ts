/** Reading input that commands take from files or stdin. */
import type {Readable} from 'node:stream'

import {readFile} from 'node:fs/promises'

/** All of stdin; empty when stdin is a terminal (natsx never waits on a person for a body). */
export async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  } catch (error) {
    // stdin closed or not readable: an empty body
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return Buffer.concat(chunks)
  }

  return Buffer.concat(chunks)
}

export async function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8')
}

const NL = 0x0a
const CR = 0x0d

function withoutCR(line: Buffer): Buffer {
  return line.length > 0 && line.at(-1) === CR ? line.subarray(0, -1) : line
}

/**
 * The lines of a stream as they arrive, as bytes (binary-safe), each without its "\n" and a "\r" before it. An empty
 * line is an empty buffer; a last line without "\n" is a line; a "\n" at the very end starts no further line. Ends at
 * the end of the stream (or a read error, as readStdin does), or when `signal` aborts: an unfinished line is then
 * dropped. Stopping early (break, an error in the consumer, an abort) closes the stream.
 * @yields each line, as it is complete
 */
export async function* readLines(input: Readable, signal?: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>
  let stop!: (end: IteratorReturnResult<undefined>) => void
  const aborted = new Promise<IteratorReturnResult<undefined>>((resolve) => {
    stop = resolve
  })
  const onAbort = (): void => stop({done: true, value: undefined})
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, {once: true})
  let partial: Buffer[] = []
  try {
    for (;;) {
      let next: IteratorResult<Buffer | string>
      try {
        next = await Promise.race([chunks.next(), aborted])
      } catch {
        break
      }

      if (next.done) break
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
      let start = 0
      for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, start)) {
        const piece = chunk.subarray(start, nl)
        const line = partial.length > 0 ? Buffer.concat([...partial, piece]) : piece
        partial = []
        start = nl + 1
        yield withoutCR(line)
        if (signal?.aborted) return
      }

      if (start < chunk.length) partial.push(chunk.subarray(start))
    }

    if (!signal?.aborted && partial.length > 0) yield withoutCR(Buffer.concat(partial))
  } finally {
    signal?.removeEventListener('abort', onAbort)
    // A read may still be pending (aborted while waiting for input): destroying the stream settles it, so the
    // iterator can finish.
    input.destroy()
    await chunks.return?.().catch(() => {})
  }
}

/**
 * Writing a stream of records to stdout (or any writable) with backpressure, so that a slow reader slows the
 * producer instead of growing memory, and a closed reader (EPIPE) ends the output instead of throwing.
 *
 * - `write(chunk)` queues a chunk and returns a promise of whether it was handed to the operating system (written
 *   to the file, or into the pipe): true once it was, false when it never will be (the reader closed). It never
 *   rejects, so it need not be awaited. Acknowledge a message once it says true, never earlier.
 * - `send(chunk)` queues a chunk without a promise, for output nobody settles. Sent chunks are gathered and handed
 *   to the writable together (up to 64 KiB at a time, at the latest once the current I/O callback is over): one
 *   write, and one system call, for hundreds of small records instead of one each.
 * - `ready()` resolves when the writable is below its high-water mark: await it before asking a server for more.
 * - `flushed()` resolves once everything written so far has been handed over: await it before the command returns
 *   (oclif otherwise gives a slow reader 10 s and then fails).
 * - `closed` tells whether the reader has gone; `ready()` and `flushed()` then resolve at once.
 */
export class RecordWriter {
  private gone = false
  private readonly out: NodeJS.WritableStream & {destroyed?: boolean; writableLength?: number; writableNeedDrain?: boolean}
  /** sent chunks not yet handed to the writable, and their size in bytes (strings: their length, a close bound) */
  private pending: Array<string | Uint8Array> = []
  private pendingBytes = 0
  private scheduled = false

  constructor(out: NodeJS.WritableStream = process.stdout) {
    this.out = out
    out.on('error', () => {
      // EPIPE and friends: the reader is gone (the command ends quietly; see BaseCommand)
      this.gone = true
    })
    out.on('close', () => {
      this.gone = true
    })
  }

  /** bytes written but not yet handed to the OS (what a stopped reader makes this process hold) */
  get backlog(): number {
    return (this.out.writableLength ?? 0) + this.pendingBytes
  }

  /** the reader is gone: nothing written from now on arrives */
  get closed(): boolean {
    return this.gone || Boolean(this.out.destroyed)
  }

  /** resolves once everything written so far has been handed to the OS (at once when the reader is gone) */
  async flushed(): Promise<void> {
    if (this.closed) return
    await this.write('')
  }

  /** one line (a "\n" is added) */
  line(text: string): Promise<boolean> {
    return this.write(text + '\n')
  }

  /** resolves when the output can take more without growing past its high-water mark */
  async ready(): Promise<void> {
    this.flushPending()
    if (this.closed || !this.out.writableNeedDrain) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done)
        this.out.off('close', done)
        this.out.off('error', done)
        resolve()
      }

      this.out.on('drain', done)
      this.out.on('close', done)
      this.out.on('error', done)
    })
  }

  /** queue a chunk without waiting on it (the fast path for records nobody settles); dropped once the reader is gone */
  send(chunk: string | Uint8Array): void {
    if (this.closed) return
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= BATCH_BYTES) this.flushPending()
    else if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => {
        this.scheduled = false
        this.flushPending()
      })
    }
  }

  write(chunk: string | Uint8Array): Promise<boolean> {
    // what was sent before goes out before this
    this.flushPending()
    if (this.closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      this.out.write(chunk, (err) => resolve(!err))
    })
  }

  /** hand the sent chunks to the writable as one chunk */
  private flushPending(): void {
    if (this.pending.length === 0) return
    const chunks = this.pending
    this.pending = []
    this.pendingBytes = 0
    if (this.closed) return
    if (chunks.length === 1) this.out.write(chunks[0])
    else if (chunks.every((c) => typeof c === 'string')) this.out.write(chunks.join(''))
    else this.out.write(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))))
  }
}

/** sent chunks are handed to the writable once they reach this size (or at the end of the I/O callback) */
const BATCH_BYTES = 65_536

let stdoutWriter: RecordWriter | undefined

/** The one writer of process.stdout (made on first use). */
export function stdoutRecords(): RecordWriter {
  stdoutWriter ??= new RecordWriter(process.stdout)
  return stdoutWriter
}
