/**
 * A secured nats-server for auth tests: TLS with a CA and certificates generated at test time (openssl), a user
 * with a password and an nkey user; a token server; and an operator-mode server with credentials files. Loopback
 * only.
 */
import {encodeAccount, encodeOperator, encodeUser, fmtCreds} from '@nats-io/jwt'
import {createAccount, createOperator, createUser, type KeyPair} from '@nats-io/nkeys'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type NatsServer, startServer} from './servers.js'

export interface Pki {
  ca: string
  clientCert: string
  clientKey: string
  dir: string
  /** a CA that did not sign the server certificate */
  otherCa: string
  serverCert: string
  serverKey: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, {cwd, stdio: 'ignore'})
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'natsx-pki-'))
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=natsx-test-ca'], dir)
  openssl(['req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=natsx-other-ca'], dir)
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  for (const who of ['server', 'client']) {
    openssl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=natsx-${who}`], dir)
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.pem`, '-days', '2', '-extfile', 'san.ext'], dir)
  }

  return {
    ca: join(dir, 'ca.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    dir,
    otherCa: join(dir, 'other-ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
  }
}

export interface SecureServer {
  nkeySeedFile: string
  pki: Pki
  server: NatsServer
  user: {password: string; user: string}
}

/**
 * TLS (server cert signed by the test CA), a password user and an nkey user. `handshakeFirst` sets `handshake_first`
 * in the tls block (nats-server 2.10.4+): the TLS handshake comes before the INFO.
 */
export async function startSecureServer(options: {handshakeFirst?: boolean} = {}): Promise<SecureServer> {
  const pki = makePki()
  const kp = createUser()
  const seed = new TextDecoder().decode(kp.getSeed())
  const nkeySeedFile = join(pki.dir, 'user.nk')
  writeFileSync(nkeySeedFile, seed + '\n', {mode: 0o600})
  const user = {password: 's3cret-pw', user: 'alice'}
  const config = `
tls {
  cert_file: "${pki.serverCert}"
  key_file: "${pki.serverKey}"
  ca_file: "${pki.ca}"
  timeout: 10${options.handshakeFirst ? '\n  handshake_first: true' : ''}
}
authorization {
  users: [
    {user: "${user.user}", password: "${user.password}"}
    {nkey: "${kp.getPublicKey()}"}
  ]
}
`
  const server = await startServer({config, jetstream: false})
  return {nkeySeedFile, pki, server, user}
}

export async function startTokenServer(token = 'tok-123'): Promise<{server: NatsServer; token: string}> {
  const server = await startServer({config: `authorization { token: "${token}" }\n`, jetstream: false})
  return {server, token}
}

export interface OperatorServer {
  /** a user of the account the server knows */
  creds: string
  /** a user whose JWT expired an hour ago */
  expiredCreds: string
  server: NatsServer
  /** a user signed by an account the server does not know */
  strangerCreds: string
}

/**
 * Decentralised auth (operator mode), as `nsc` sets it up: an operator, a system account and an application
 * account preloaded into a memory resolver, and user credentials files (JWT and seed) made at test time.
 */
export async function startOperatorServer(): Promise<OperatorServer> {
  const dir = mkdtempSync(join(tmpdir(), 'natsx-operator-'))
  const operator = createOperator()
  const sys = createAccount()
  const app = createAccount()
  const stranger = createAccount()
  const operatorJwt = await encodeOperator('natsx-test', operator, {system_account: sys.getPublicKey()})
  // the limits nsc writes by default (-1: none); a claim without them is read as zero connections allowed
  const limits = {conn: -1, data: -1, exports: -1, imports: -1, leaf: -1, payload: -1, subs: -1, wildcards: true}
  const accountJwt = async (name: string, kp: KeyPair): Promise<string> => encodeAccount(name, kp, {limits}, {signer: operator})
  const credsFile = async (name: string, account: KeyPair, claims: {exp?: number} = {}): Promise<string> => {
    const user = createUser()
    const jwt = await encodeUser(name, user, account, {}, claims)
    const file = join(dir, `${name}.creds`)
    writeFileSync(file, fmtCreds(jwt, user), {mode: 0o600})
    return file
  }

  const config = `
operator: "${operatorJwt}"
system_account: "${sys.getPublicKey()}"
resolver: MEMORY
resolver_preload: {
  ${sys.getPublicKey()}: "${await accountJwt('SYS', sys)}"
  ${app.getPublicKey()}: "${await accountJwt('APP', app)}"
}
`
  const server = await startServer({config, jetstream: false})
  return {
    creds: await credsFile('alice', app),
    expiredCreds: await credsFile('late', app, {exp: Math.floor(Date.now() / 1000) - 3600}),
    server,
    strangerCreds: await credsFile('stranger', stranger),
  }
}

/** TLS that also requires a client certificate signed by the test CA (verify: true). */
export async function startMutualTlsServer(pki: Pki): Promise<NatsServer> {
  const config = `
tls {
  cert_file: "${pki.serverCert}"
  key_file: "${pki.serverKey}"
  ca_file: "${pki.ca}"
  verify: true
  timeout: 10
}
`
  return startServer({config, jetstream: false})
}
