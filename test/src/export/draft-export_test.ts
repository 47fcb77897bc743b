import { expect } from '@open-wc/testing';
import type { Worksheet } from '../../../src/content/worksheet.js';
import type { Draft } from '../../../src/data/draft.js';
import { draftToJson, draftToMarkdown, exportFileName, parseDraftExport } from '../../../src/export/draft-export.js';
import { builtWorksheet } from '../support/built-worksheet.js';

function draftWith(fields: Record<string, unknown>): Draft {
  const entries = Object.entries(fields).map(([k, value]) => [k, { value, changedAt: 1, changedBy: 'd' }]);
  return {
    id: '6f1c2a7e-3b7d-4a55-9a53-1d7f0c3e9b21',
    worksheetId: 'engagement-strategy',
    worksheetVersion: 1,
    createdAt: 1,
    updatedAt: 2,
    fields: Object.fromEntries(entries),
    deletedAt: null,
  } as Draft;
}

describe('draft export', () => {
  let worksheet: Worksheet;
  before(async () => {
    worksheet = await builtWorksheet();
  });

  it('writes Markdown with every question, its answer, and user text kept as text', () => {
    const md = draftToMarkdown(
      draftWith({
        title: 'Bus <script>alert(1)</script> routes',
        community: 'Riverside',
        achieve: '# not a heading\n- not a list',
        activities: ['consultation'],
        channels: [{ id: 'a', name: 'Radio', note: 'Wide reach' }],
      }),
      worksheet,
    );
    expect(md.split('\n')[0]).to.equal('# Bus &lt;script&gt;alert(1)&lt;/script&gt; routes');
    expect(md).to.not.contain('<script>');
    expect(md).to.contain('**Community or location:** Riverside');
    expect(md).to.contain('\\# not a heading\n\\- not a list');
    expect(md).to.contain('- Consultation');
    expect(md).to.contain('- **Radio**: Wide reach');
    for (const q of worksheet.questions) expect(md).to.contain(`## ${q.label.replace(/([()])/g, '$1')}`);
    expect(md).to.contain('_Not answered yet._');
  });

  it('round-trips a draft through JSON', () => {
    const draft = draftWith({ title: 'T', achieve: 'A', activities: ['communication'], review: '2027-01-01' });
    expect(parseDraftExport(draftToJson(draft), worksheet)).to.deep.equal(draft);
    expect(exportFileName(draft, 'md')).to.equal('t.md');
  });
});
