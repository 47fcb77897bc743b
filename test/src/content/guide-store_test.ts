import { expect } from '@open-wc/testing';
import { GuideLoadError, GuideStore } from '../../../src/content/guide-store.js';
import { builtGuideStore } from '../support/built-guides.js';

describe('GuideStore', () => {
  it('loads the index and a guide from the build', async () => {
    const store = builtGuideStore();
    const index = await store.index();
    expect(index.guides.map((g) => g.slug)).to.include('social-media');
    const guide = await store.guide('social-media');
    expect(guide!.sections).to.have.length(5);
    expect(await store.guide('social-media')).to.equal(guide, 'a guide is fetched once');
  });

  it('answers null for a guide the kit does not have', async () => {
    expect(await builtGuideStore().guide('no-such-guide')).to.equal(null);
  });

  it('fails with a clear error when the files are missing, and can try again', async () => {
    const store = new GuideStore('/no-such-build');
    let error: unknown;
    try {
      await store.index();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(GuideLoadError);
    expect((error as Error).message).to.match(/could not be loaded \(HTTP 404\)/);
  });
});
