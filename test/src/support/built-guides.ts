import type { Guide } from '../../../src/content/guide.js';
import { GuideStore } from '../../../src/content/guide-store.js';

/** A store reading the real build in dist/, which the test runner serves under /dist. */
export function builtGuideStore(): GuideStore {
  return new GuideStore('/dist');
}

export async function builtGuide(slug = 'social-media'): Promise<Guide> {
  const guide = await builtGuideStore().guide(slug);
  if (!guide) throw new Error(`dist/ has no guide "${slug}": run npm run build`);
  return guide;
}
