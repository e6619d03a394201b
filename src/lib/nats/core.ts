// natsx checks a creds or nkey seed before connecting, to name a bad file (exit 2) rather than fail inside the handshake
export {fromSeed} from '@nats-io/nkeys'
// nats.js is published as CommonJS. When esbuild bundles a dynamic import() of a CommonJS module it gives only a
// `default` export, so natsx loads nats.js lazily through these ES modules, which name what they re-export.
export {connect, credsAuthenticator, headers, jwtAuthenticator, nkeyAuthenticator, nuid} from '@nats-io/transport-node'
