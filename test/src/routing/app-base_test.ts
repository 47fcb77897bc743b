import { expect } from '@open-wc/testing';
import { appBase, appPath, appRouteOf, inAppBase } from '../../../src/routing/app-base.js';
import { routeAt } from '../../../src/routing/route.js';

describe('the kit’s path', () => {
  it('is the root where the shell names none (the tests’ page, a kit at the root of its host)', () => {
    expect(appBase()).to.equal('/');
    expect(appPath('/worksheet/new')).to.equal('/worksheet/new');
    expect(appRouteOf('/drafts')).to.equal('/drafts');
    expect(routeAt('/drafts')).to.deep.equal({ name: 'drafts' });
    const html = '<p><a href="/guide/social-media#develop">Develop</a></p>';
    expect(inAppBase(html)).to.equal(html);
  });

  it('puts the app’s addresses under a path, and reads the app’s from addresses under it', () => {
    const base = '/field-kit/';
    expect(appPath('/', base)).to.equal('/field-kit/');
    expect(appPath('/worksheet/new', base)).to.equal('/field-kit/worksheet/new');
    expect(appPath('/settings#team', base)).to.equal('/field-kit/settings#team');
    expect(appRouteOf('/field-kit/', base)).to.equal('/');
    expect(appRouteOf('/field-kit', base)).to.equal('/');
    expect(appRouteOf('/field-kit/worksheet/new', base)).to.equal('/worksheet/new');
    // Another app on the same host: not the kit's to route.
    expect(appRouteOf('/field-kit-admin/', base)).to.equal(null);
    expect(appRouteOf('/drafts', base)).to.equal(null);
  });

  it('puts a guide’s links to the kit’s pages under the path, and leaves the rest', () => {
    const html =
      '<p>See <a href="/guide/social-media#develop">Develop</a>, <a href="https://www.nsw.gov.au/">the site</a>, <a href="//cdn.example/x">x</a> and <a href="#keep">Keep</a>.</p>';
    expect(inAppBase(html, '/field-kit/')).to.equal(
      '<p>See <a href="/field-kit/guide/social-media#develop">Develop</a>, <a href="https://www.nsw.gov.au/">the site</a>, <a href="//cdn.example/x">x</a> and <a href="#keep">Keep</a>.</p>',
    );
  });
});
