import { expect } from '@open-wc/testing';
import type { Draft } from '../../../src/data/draft.js';
import { csvCell, draftsToCsv } from '../../../src/export/drafts-csv.js';
import { localIsoTime } from '../../../src/text/local-iso-time.js';
import { parseCsv } from '../../support/parse-csv.js';
import { builtWorksheet } from '../support/built-worksheet.js';

const AT = Date.UTC(2026, 10, 27, 23, 30);

function draft(
  id: string,
  fields: Record<string, Draft['fields'][string]['value']>,
  extra: Partial<Draft> = {},
): Draft {
  return {
    id,
    worksheetId: 'engagement-strategy',
    worksheetVersion: 1,
    createdAt: AT,
    updatedAt: AT + 60_000,
    fields: Object.fromEntries(
      Object.entries(fields).map(([k, value]) => [k, { value, changedAt: AT, changedBy: 'Sam’s phone' }]),
    ),
    deletedAt: null,
    ...extra,
  };
}

describe('draftsToCsv', () => {
  it('gives a row a draft and a column a question, in the worksheet’s order, that a spreadsheet reads back whole', async () => {
    const worksheet = await builtWorksheet();
    const choice = worksheet.questions.find((q) => q.type === 'choice')!;
    const channels = worksheet.questions.find((q) => q.type === 'channels')!;
    const text = worksheet.questions.find((q) => q.type === 'text')!;
    const options = choice.type === 'choice' ? choice.options.slice(0, 2) : [];
    const hall = draft('0192f1a0-0000-7000-8000-000000000001', {
      title: 'Riverside hall, evening',
      community: 'Đà Nẵng — مجتمع',
      date: '2026-11-27',
      [choice.id]: options.map((o) => o.id),
      [channels.id]: [
        { id: 'c1', name: 'Facebook page', note: 'Weekly, "Ask us" posts' },
        { id: 'c2', name: 'SMS', note: '' },
      ],
      [text.id]: 'Two lines:\nfirst, then\r\nsecond',
    });
    const empty = draft('0192f1a0-0000-7000-8000-000000000002', {});
    const csv = draftsToCsv([hall, empty], worksheet);
    expect(csv.startsWith('\uFEFF'), 'a byte order mark, for Excel to read UTF-8').to.equal(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows).to.have.length(3);
    const [header, first, second] = rows as [string[], string[], string[]];
    expect(header.slice(0, 3)).to.deep.equal(['Title', 'Community or location', 'Consultation date']);
    expect(header.slice(3, 3 + worksheet.questions.length)).to.deep.equal(worksheet.questions.map((q) => q.label));
    expect(header.slice(-3)).to.deep.equal(['Started', 'Last changed', 'Draft ID']);
    expect(first).to.have.length(header.length);
    expect(second).to.have.length(header.length);
    const cell = (row: string[], column: string): string => row[header.indexOf(column)]!;
    expect(cell(first, 'Title')).to.equal('Riverside hall, evening');
    expect(cell(first, 'Community or location')).to.equal('Đà Nẵng — مجتمع');
    expect(cell(first, 'Consultation date')).to.equal('2026-11-27');
    expect(cell(first, choice.label)).to.equal(options.map((o) => o.label).join('; '));
    expect(cell(first, channels.label)).to.equal('Facebook page: Weekly, "Ask us" posts; SMS');
    expect(cell(first, text.label)).to.equal('Two lines:\nfirst, then\r\nsecond');
    expect(cell(first, 'Started')).to.equal(localIsoTime(AT));
    expect(cell(first, 'Last changed')).to.equal(localIsoTime(AT + 60_000));
    expect(cell(first, 'Draft ID')).to.equal(hall.id);
    expect(second.filter((c, i) => c !== '' && header[i] !== 'Started' && header[i] !== 'Last changed')).to.deep.equal([
      empty.id,
    ]);
  });

  it('keeps an answer that a spreadsheet would run as a formula as text', async () => {
    const worksheet = await builtWorksheet();
    const text = worksheet.questions.find((q) => q.type === 'text')!;
    const typed = ['=HYPERLINK("http://evil.example","Click")', '+61 400 000 000', '-2+3', '@SUM(A1)'];
    const rows = parseCsv(
      draftsToCsv(
        typed.map((t, i) => draft(`d${i}`, { title: t, [text.id]: t })),
        worksheet,
      ).slice(1),
    );
    const header = rows[0]!;
    for (const [i, t] of typed.entries()) {
      expect(rows[i + 1]![header.indexOf('Title')]).to.equal(`'${t}`);
      expect(rows[i + 1]![header.indexOf(text.label)]).to.equal(`'${t}`);
    }
    expect(csvCell('Plain words, and a comma')).to.equal('"Plain words, and a comma"');
    expect(csvCell('Nothing to quote')).to.equal('Nothing to quote');
    expect(csvCell('\tTabbed')).to.equal("'\tTabbed");
    expect(csvCell('\rReturned')).to.equal('"\'\rReturned"');
  });

  it('keeps answers to questions no longer asked, and a teammate’s version not yet chosen, with whose it is', async () => {
    const worksheet = await builtWorksheet();
    const text = worksheet.questions.find((q) => q.type === 'text')!;
    const d = draft('d1', { title: 'Hall', [text.id]: 'Ours', 'old-question': 'Kept from before' });
    const conflicted: Draft = {
      ...d,
      fields: {
        ...d.fields,
        [text.id]: { ...d.fields[text.id]!, conflict: { value: 'Theirs', changedAt: AT, changedBy: 'Alex’s tablet' } },
      },
    };
    const [header, row] = parseCsv(draftsToCsv([conflicted], worksheet).slice(1)) as [string[], string[]];
    expect(row[header.indexOf('Answers to questions no longer in this worksheet')]).to.equal(
      'A question no longer in the worksheet (“old-question”): Kept from before',
    );
    expect(row[header.indexOf('Answers not yet chosen between')]).to.equal(
      `${text.label}: Theirs (by Alex’s tablet, ${localIsoTime(AT)})`,
    );
  });
});

describe('localIsoTime', () => {
  it('writes the time where the code runs with its offset from UTC, naming the same moment', () => {
    const written = localIsoTime(AT);
    expect(written).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(Date.parse(written)).to.equal(AT);
  });
});
