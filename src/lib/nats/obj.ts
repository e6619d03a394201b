// See core.ts: an ES module face on CommonJS nats.js, so the lazy import keeps its named exports once bundled.
export {Objm} from '@nats-io/obj'
