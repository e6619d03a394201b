// See core.ts: an ES module face on CommonJS nats.js, so the lazy import keeps its named exports once bundled.
export {AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType} from '@nats-io/jetstream'
