import { expect } from '@open-wc/testing';
import type { Worksheet } from '../../../src/content/worksheet.js';
import type { Draft } from '../../../src/data/draft.js';
import {
  draftToJson,
  draftToMarkdown,
  exportFileName,
  IMPORT_MAX_BYTES,
  parseDraftExport,
  parseDraftsExport,
  readDraftsExport,
  draftsToJson,
  IMPORT_MAX_DRAFTS,
  teammatesOf,
} from '../../../src/export/draft-export.js';
import { formatTimeWithZone } from '../../../src/text/format-time.js';
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
    // One option held as its id alone (as the team's server once stored a list of one) is chosen.
    expect(draftToMarkdown(draftWith({ activities: 'consultation' }), worksheet)).to.contain('- Consultation');
  });

  it('writes a teammate’s other version of an answer, not yet chosen between, under the answer', () => {
    const draft = draftWith({ achieve: 'Our aim', activities: ['consultation'] });
    const at = Date.UTC(2026, 10, 27, 4, 5);
    const conflicted: Draft = {
      ...draft,
      fields: {
        ...draft.fields,
        achieve: {
          ...draft.fields['achieve']!,
          conflict: { value: 'Their aim\n\n# still text', changedAt: at, changedBy: 'Sam’s phone' },
        },
        activities: {
          ...draft.fields['activities']!,
          conflict: { value: ['communication'], changedAt: at, changedBy: 'Kim_s tablet' },
        },
      },
    };
    const md = draftToMarkdown(conflicted, worksheet);
    const by = (who: string): string => `> **Another version, not yet chosen** (by ${who}, ${formatTimeWithZone(at)}):`;
    expect(md).to.contain(`\nOur aim\n\n${by('Sam’s phone')}\n> Their aim\n>\n> \\# still text\n\n## `);
    expect(md).to.contain(`- Consultation\n\n${by('Kim\\_s tablet')}\n> Communication\n\n## `);
    expect(draftToMarkdown(draft, worksheet), 'none without a conflict').to.not.contain('Another version');
  });

  it('writes under an answer which teammate changed it last, as the worksheet shows it', () => {
    const draft = draftWith({ achieve: 'Our aim', audience: 'Bus users', measure: 'Not yet synced' });
    const at = Date.UTC(2026, 10, 27, 4, 5);
    const synced: Draft = {
      ...draft,
      fields: {
        ...draft.fields,
        achieve: { value: 'Our aim', changedAt: at, changedBy: 'Sam_s phone', rev: 3 },
        audience: { value: 'Bus users', changedAt: at, changedBy: 'this-device', rev: 4 },
      },
    };
    const md = draftToMarkdown(synced, worksheet, teammatesOf(synced, 'this-device'));
    expect(md).to.contain(`\nOur aim\n\n_Last changed by Sam\\_s phone, ${formatTimeWithZone(at)}._\n\n## `);
    expect(md.match(/Last changed by/g), 'not this device’s own, nor one the team has not had').to.have.length(1);
    expect(draftToMarkdown(synced, worksheet), 'none unless asked for').to.not.contain('Last changed by');
  });

  it('round-trips a draft through JSON', () => {
    const draft = draftWith({ title: 'T', achieve: 'A', activities: ['communication'], review: '2027-01-01' });
    expect(parseDraftExport(draftToJson(draft), worksheet)).to.deep.equal(draft);
    expect(exportFileName(draft, 'md')).to.equal('t.md');
  });

  it('names an export for its title in any script, so a folder of them says which is which', () => {
    const named = (title: string): string => exportFileName(draftWith({ title }), 'md');
    expect(named('Bus routes: Riverside hall, 3/12')).to.equal('bus-routes-riverside-hall-3-12.md');
    expect(named('Họp cộng đồng Đà Nẵng')).to.equal('họp-cộng-đồng-đà-nẵng.md');
    expect(named('نحتاج حافلات أكثر')).to.equal('نحتاج-حافلات-أكثر.md');
    expect(named('社区咨询 2026')).to.equal('社区咨询-2026.md');
    // Nothing a file system or a shell treats specially, and no name made only of punctuation.
    expect(named('../../etc/passwd')).to.equal('etc-passwd.md');
    expect(named('?*<>|"')).to.equal('draft.md');
    // At most 60 characters, never half a character: a letter outside the first plane is two UTF-16 units.
    const long = named('𝒜'.repeat(100));
    expect([...long.replace(/\.md$/, '')]).to.have.length(60);
    expect(() => encodeURIComponent(long), 'no lone half of a pair').to.not.throw();
  });

  it('keeps answers to questions the worksheet no longer asks: in the Markdown, and through an import', () => {
    const changed: Worksheet = { ...worksheet, retired: [{ id: 'budget', label: 'What the engagement may cost' }] };
    const draft = draftWith({
      title: 'Written before the worksheet changed',
      budget: 'Two evenings of hall hire',
      'old-unnamed': ['radio', 'letterbox'],
      'old-empty': '  ',
    });
    const md = draftToMarkdown(draft, changed);
    expect(md).to.contain(
      '## Answers to questions no longer in this worksheet\n\n### What the engagement may cost\n\nTwo evenings of hall hire\n',
    );
    expect(md).to.contain('### A question no longer in the worksheet (“old-unnamed”)\n\nradio\nletterbox\n');
    expect(md, 'an empty answer is not listed').to.not.contain('old-empty');
    expect(parseDraftExport(draftToJson(draft), changed)).to.deep.equal(draft, 'imported whole, not refused');
    const many = draftWith(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`q${i}`, 'x'])));
    expect(() => parseDraftExport(draftToJson(many), changed)).to.throw(/more answers than a draft can hold/);
  });

  it('round-trips every draft of a device through one file, and refuses the whole file for one damaged draft', () => {
    const first = draftWith({ title: 'First', achieve: 'A' });
    const second = { ...draftWith({ title: 'Second', audience: 'B' }), id: '0190f7a8-0000-7000-8000-000000000002' };
    const file = draftsToJson([first, second]);
    expect(parseDraftsExport(file, worksheet)).to.deep.equal([first, second]);
    expect(() => parseDraftExport(file, worksheet)).to.throw(/several drafts, not one/);
    const damaged = file.replace('"createdAt": 1', '"createdAt": "yesterday"');
    expect(() => parseDraftsExport(damaged, worksheet)).to.throw(
      'Draft 1 of 2 in this file: The dates in this draft file are damaged.',
    );
    const twice = draftsToJson([first, first]);
    expect(() => parseDraftsExport(twice, worksheet)).to.throw('Draft 2 of 2 in this file is there twice.');
    expect(() => parseDraftsExport(draftsToJson([]), worksheet)).to.throw('This file has no drafts in it.');
  });

  // The team's server takes whole milliseconds and a worksheet version from 1 to a million; a draft
  // imported with anything else made a change it refused whole, with every change queued behind it.
  it('refuses a draft whose times or worksheet version the team’s server would not take', () => {
    const file = draftToJson(draftWith({ title: 'Edited by hand', achieve: 'A' }));
    const damaged = (from: string, to: string): string => {
      expect(file).to.contain(from);
      return file.replace(from, to);
    };
    for (const [from, to] of [
      ['"createdAt": 1', '"createdAt": 1.5'],
      ['"updatedAt": 2', '"updatedAt": 1e300'],
      ['"changedAt": 1', '"changedAt": 0.25'],
    ]) {
      expect(() => parseDraftExport(damaged(from!, to!), worksheet), to).to.throw(
        /The dates in this draft file are damaged|The answer to "\w+" is damaged/,
      );
    }
    for (const version of ['0', '1.5', '-2', '1000001', '"2"']) {
      expect(() =>
        parseDraftExport(damaged('"worksheetVersion": 1', `"worksheetVersion": ${version}`), worksheet),
      ).to.throw('The worksheet version in this draft file is damaged.');
    }
    const withoutVersion: Record<string, unknown> = { ...(JSON.parse(file) as { draft: Draft }).draft };
    delete withoutVersion['worksheetVersion'];
    const older = JSON.stringify({ ...(JSON.parse(file) as object), draft: withoutVersion });
    expect(parseDraftExport(older, worksheet).worksheetVersion).to.equal(worksheet.version, 'none said: this one’s');
  });

  it('reads a file only when it can be an export: not too large, beginning as JSON does', async () => {
    const draft = draftWith({ title: 'T', achieve: 'A' });
    const refusal = (file: Blob): Promise<string> =>
      readDraftsExport(file, worksheet).then(
        () => 'read',
        (error: Error) => `${error.name}: ${error.message}`,
      );
    // A photo picked by mistake: refused on its first bytes.
    const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])]);
    expect(await refusal(png)).to.equal('ImportError: This is not a draft exported from Engagement Field Kit.');
    // A video: refused on its size, never read (reading it would throw here).
    class Huge extends Blob {
      override get size(): number {
        return 2 * 1024 ** 3;
      }
      override text(): Promise<string> {
        throw new Error('read whole');
      }
    }
    expect(await refusal(new Huge(['{}']))).to.equal(
      `ImportError: This file is too large to be a draft exported from Engagement Field Kit (2048 MB; an export is at most ${IMPORT_MAX_BYTES / 1024 ** 2} MB).`,
    );
    // Saved again by a text editor that adds a byte-order mark: still the same draft.
    expect(await readDraftsExport(new Blob([`\uFEFF${draftToJson(draft)}`]), worksheet)).to.deep.equal([draft]);
  });

  // Every device holds the whole team's drafts, and "Export all drafts" writes them all: the import
  // read at most 32 MB, about 4,800 drafts answered in a paragraph each, fewer than the drafts it
  // reads, so a device's own export could be refused as "too large to be a draft".
  it('reads back a device’s export of as many drafts as it imports, every question answered in a paragraph', async function () {
    // The largest export a device takes, read whole: seconds alone, more beside the other files'
    // tests (it once passed 10 s there). Its speed is the bench's to measure, not this test's.
    this.timeout(60_000);
    const paragraph =
      'We will hold two drop-in sessions at the library, and post what we heard on the council’s page each week. '
        .repeat(5)
        .slice(0, 500);
    const value = (q: Worksheet['questions'][number]): unknown => {
      switch (q.type) {
        case 'text':
          return paragraph;
        case 'choice':
          return q.options.map((o) => o.id);
        case 'channels':
          return ['Radio', 'Noticeboard', 'Facebook group'].map((name, i) => ({ id: `c${i}`, name, note: paragraph }));
        case 'date':
          return '2027-03-01';
      }
    };
    const answers = Object.fromEntries(worksheet.questions.map((q) => [q.id, value(q)]));
    const full = draftWith({ title: 'Harbour town hall', community: 'Harbour ward', date: '2026-11-28', ...answers });
    const drafts = Array.from({ length: IMPORT_MAX_DRAFTS }, () => ({ ...full, id: crypto.randomUUID() }));
    const file = new Blob([draftsToJson(drafts)]);
    const read = await readDraftsExport(file, worksheet);
    expect(read.length).to.equal(IMPORT_MAX_DRAFTS);
    expect(read[IMPORT_MAX_DRAFTS - 1]).to.deep.equal(drafts[IMPORT_MAX_DRAFTS - 1]);
  });
});
