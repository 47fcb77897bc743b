import { expect } from '@open-wc/testing';
import { isAppPath, matchRoute } from '../../../src/routing/route.js';

describe('matchRoute', () => {
  it('finds each view by its path', () => {
    expect(matchRoute('/')).to.deep.equal({ name: 'home' });
    expect(matchRoute('/guide')).to.deep.equal({ name: 'home' });
    expect(matchRoute('/guide/social-media')).to.deep.equal({ name: 'guide', slug: 'social-media' });
    expect(matchRoute('/guide/social-media/')).to.deep.equal({ name: 'guide', slug: 'social-media' });
    expect(matchRoute('/worksheet')).to.deep.equal({ name: 'worksheet' });
    expect(matchRoute('/drafts/')).to.deep.equal({ name: 'drafts' });
    expect(matchRoute('/settings')).to.deep.equal({ name: 'settings' });
    expect(matchRoute('/search')).to.deep.equal({ name: 'search' });
  });

  it('sends anything else to the not-found view', () => {
    for (const path of ['/guide/Social-Media', '/guide/a/b', '/settingsx', '/nope']) {
      expect(matchRoute(path)).to.deep.equal({ name: 'not-found', path });
    }
  });
});

describe('isAppPath', () => {
  it('leaves the API and files to the server', () => {
    expect(isAppPath('/guide/social-media')).to.equal(true);
    expect(isAppPath('/api/drafts')).to.equal(false);
    expect(isAppPath('/content/guides.json')).to.equal(false);
    expect(isAppPath('/manifest.webmanifest')).to.equal(false);
  });
});
