// Preload (node --import) that records every module URL the ESM loader resolves into $NATSX_LOADS.
import {register} from 'node:module'

register('./trace-loads-hooks.mjs', import.meta.url)
