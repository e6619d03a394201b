/**
 * The claims of the user JWT in a `.creds` file (or of a bare JWT file), read without verifying: a check of when it
 * expires needs no connection. A file that cannot be read or holds no JWT is an error that `server check` reports as
 * UNKNOWN.
 */
import {readFile} from 'node:fs/promises'

import {ExitCode, NatsxError} from '../errors.js'

export interface JwtClaims {
  exp?: number
  iat?: number
  iss?: string
  name?: string
  sub?: string
}

const JWT = /^[\w-]+\.([\w-]+)\.[\w-]+$/

/** The first JWT in the text: the block after `-----BEGIN NATS USER JWT-----`, or the whole text. */
export function jwtClaims(text: string): JwtClaims | undefined {
  const block = /-{3,}BEGIN NATS USER JWT-{3,}\s*([^\s-][^\s]*)\s*-{3,}END NATS USER JWT-{3,}/.exec(text)
  const jwt = (block?.[1] ?? text).trim()
  const m = JWT.exec(jwt)
  if (!m) return undefined
  try {
    const claims = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as unknown
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : undefined
  } catch {
    return undefined
  }
}

export async function readCredential(file: string): Promise<JwtClaims> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new NatsxError(ExitCode.UNEXPECTED, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }

  const claims = jwtClaims(text)
  if (!claims) throw new NatsxError(ExitCode.UNEXPECTED, `${file} holds no JWT`)
  return claims
}
