/** Reading input that commands take from files or stdin. */
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
