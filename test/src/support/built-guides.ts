import type { Guide } from '../../../src/content/guide.js';
import { ContentStore } from '../../../src/content/content-store.js';

/** A store reading the real build in dist/, which the test runner serves under /dist. */
export function builtContentStore(): ContentStore {
  return new ContentStore('/dist');
}

export async function builtGuide(slug = 'social-media'): Promise<Guide> {
  const guide = await builtContentStore().guide(slug);
  if (!guide) throw new Error(`dist/ has no guide "${slug}": run npm run build`);
  return guide;
}
