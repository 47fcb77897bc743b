import { expect } from '@open-wc/testing';
import { ContentLoadError, ContentStore } from '../../../src/content/content-store.js';
import { builtContentStore } from '../support/built-guides.js';

describe('ContentStore', () => {
  it('loads the index and a guide from the build', async () => {
    const store = builtContentStore();
    const index = await store.index();
    expect(index.guides.map((g) => g.slug)).to.include('social-media');
    const guide = await store.guide('social-media');
    expect(guide!.sections).to.have.length(5);
    expect(await store.guide('social-media')).to.equal(guide, 'a guide is fetched once');
  });

  it('loads the worksheet with its questions', async () => {
    const worksheet = await builtContentStore().worksheet();
    expect(worksheet.id).to.equal('engagement-strategy');
    expect(worksheet.questions.map((q) => q.type)).to.include.members(['text', 'choice', 'channels', 'date']);
  });

  it('answers null for a guide the kit does not have', async () => {
    expect(await builtContentStore().guide('no-such-guide')).to.equal(null);
  });

  it('fails with a clear error when the files are missing, and can try again', async () => {
    const store = new ContentStore('/no-such-build');
    let error: unknown;
    try {
      await store.index();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ContentLoadError);
    expect((error as Error).message).to.match(/could not be loaded \(HTTP 404\)/);
  });
});
