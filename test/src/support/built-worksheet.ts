import type { Worksheet } from '../../../src/content/worksheet.js';
import { builtContentStore } from './built-guides.js';

/** The real worksheet from the build in dist/. */
export function builtWorksheet(): Promise<Worksheet> {
  return builtContentStore().worksheet();
}
