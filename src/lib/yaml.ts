// An ES module face on CommonJS `yaml`, so the lazy import in config-file.ts keeps its named exports once bundled
// (as src/lib/nats/*.ts do for nats.js). Only commands that read a configuration file load the parser.
export {parse} from 'yaml'
