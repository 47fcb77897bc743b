import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/components/drafts-page.js';
import type { DraftsPage } from '../../../src/components/drafts-page.js';
import '../../../src/components/field-conflict.js';
import '../../../src/components/settings-page.js';
import '../../../src/components/worksheet-page.js';
import type { WorksheetPage } from '../../../src/components/worksheet-page.js';
import { draftToMarkdown } from '../../../src/export/draft-export.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';

const PAYLOAD = '<img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>';

/** Every element under `root`, through shadow roots. */
function deepElements(root: ParentNode): Element[] {
  const out: Element[] = [];
  for (const el of root.querySelectorAll('*')) {
    out.push(el);
    if (el.shadowRoot) out.push(...deepElements(el.shadowRoot));
  }
  return out;
}

describe('script typed into the kit is shown as text everywhere', () => {
  it('in the worksheet, its print view, the drafts list, the conflict view, settings and the Markdown export', async () => {
    const worksheet = await builtWorksheet();
    const store = await openStore();
    const fields = Object.fromEntries(worksheet.questions.filter((q) => q.type === 'text').map((q) => [q.id, PAYLOAD]));
    const draft = await store.create(WORKSHEET, { title: PAYLOAD, community: PAYLOAD });
    await store.update(draft.id, { ...fields, channels: [{ id: 'c', name: PAYLOAD, note: PAYLOAD }] });

    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${worksheet} .draftId=${draft.id}></worksheet-page>`,
    );
    await waitUntil(() => page.shadowRoot!.querySelector('h1'));
    expect(page.shadowRoot!.querySelector('h1')!.textContent).to.equal(PAYLOAD);
    expect(page.shadowRoot!.querySelector('.print-only')!.textContent).to.contain(PAYLOAD);

    const list = await fixture<DraftsPage>(html`<drafts-page .store=${store} .worksheet=${worksheet}></drafts-page>`);
    await waitUntil(() => list.shadowRoot!.querySelector('.drafts a'));
    expect(list.shadowRoot!.querySelector('.drafts a')!.textContent).to.equal(PAYLOAD);

    const conflict = await fixture(
      html`<field-conflict
        .question=${worksheet.questions.find((q) => q.id === 'achieve')}
        .kept=${{ value: PAYLOAD, changedBy: PAYLOAD, changedAt: 1 }}
        .other=${{ value: PAYLOAD, changedBy: PAYLOAD, changedAt: 2 }}
      ></field-conflict>`,
    );
    expect(conflict.shadowRoot!.textContent).to.contain(PAYLOAD);

    const settings = await fixture(
      html`<settings-page
        .sync=${{ joined: true, team: { id: 't', name: PAYLOAD }, deviceName: PAYLOAD, joinLink: null, waiting: 0, rejected: [], syncing: false, lastSynced: null, restoreFound: null, problem: null, message: null }}
      ></settings-page>`,
    );
    expect(settings.shadowRoot!.textContent).to.contain(PAYLOAD);

    for (const root of [page, list, conflict, settings]) {
      const tags = deepElements(root.shadowRoot!).map((e) => e.localName);
      expect(tags).to.not.include('img', 'no element was made from the text');
      expect(tags).to.not.include('script');
      // Markup-like names and answers leave each view as usable by a screen reader as any other text.
      await expect(root).to.be.accessible();
    }
    expect((window as unknown as { __pwned?: boolean }).__pwned).to.equal(undefined);

    const markdown = draftToMarkdown((await store.get(draft.id))!, worksheet);
    expect(markdown).to.not.contain('<img');
    expect(markdown).to.not.contain('<script');
    expect(markdown).to.contain('&lt;img src=x onerror="window.\\_\\_pwned=true"&gt;');
    store.close();
  });
});
