// The build bundles this file on its own into the first classic script of index.html, so `define`
// exists before any chunk runs.
import { createDefine } from './module-loader.js';

Object.assign(globalThis, { define: createDefine(document, reportError) });
