// The build bundles this file on its own and puts it at the top of the entry chunk, so `define`
// exists before any chunk calls it.
import { createDefine } from './module-loader.js';

Object.assign(globalThis, { define: createDefine(document, reportError) });
