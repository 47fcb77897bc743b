import {
  chosenOptions,
  otherAnswers,
  type Channel,
  type FieldValue,
  type Question,
  type Worksheet,
} from '../content/worksheet.js';
import type { Draft } from '../data/draft.js';
import { describeValue } from '../text/describe-value.js';
import { localIsoTime } from '../text/local-iso-time.js';

/**
 * Every draft given as a spreadsheet: a row a draft, a column a question, in the worksheet's
 * order, for a team lead to read a round of consultations side by side or an agency to analyse
 * them. CSV as RFC 4180 has it (quoted where needed, CRLF between rows), in UTF-8 with a byte
 * order mark, without which Excel reads Arabic or Vietnamese answers as another encoding.
 */
export function draftsToCsv(drafts: readonly Draft[], worksheet: Worksheet): string {
  const header = [
    'Title',
    'Community or location',
    'Consultation date',
    ...worksheet.questions.map((q) => q.label),
    'Answers to questions no longer in this worksheet',
    'Answers not yet chosen between',
    'Started',
    'Last changed',
    'Draft ID',
  ];
  const rows = drafts.map((d) => {
    const text = (key: string): string => {
      const v = d.fields[key]?.value;
      return typeof v === 'string' ? v.trim() : '';
    };
    const undecided = worksheet.questions.flatMap((q) => {
      const conflict = d.fields[q.id]?.conflict;
      return conflict
        ? [
            `${q.label}: ${describeValue(q, conflict.value).trim()} (by ${conflict.changedBy}, ${localIsoTime(conflict.changedAt)})`,
          ]
        : [];
    });
    return [
      text('title'),
      text('community'),
      text('date'),
      ...worksheet.questions.map((q) => answerText(q, d.fields[q.id]?.value)),
      otherAnswers(worksheet, d.fields)
        .map((o) => `${o.label}: ${o.text}`)
        .join('\n'),
      undecided.join('\n'),
      localIsoTime(d.createdAt),
      localIsoTime(d.updatedAt),
      d.id,
    ];
  });
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** An answer as one cell: chosen options and channels one after another, empty when unanswered. */
function answerText(q: Question, value: FieldValue | undefined): string {
  if (value === undefined) return '';
  if (q.type === 'choice')
    return chosenOptions(q, value)
      .map((o) => o.label)
      .join('; ');
  if (typeof value === 'string') return value.trim();
  return (value as readonly (Channel | string)[])
    .map((c) => (typeof c === 'string' ? c.trim() : [c.name.trim(), c.note.trim()].filter(Boolean).join(': ')))
    .filter(Boolean)
    .join('; ');
}

/**
 * A value as a CSV cell. One a spreadsheet would take for a formula (=, +, - or @ first, or a tab
 * or return, as OWASP lists them) starts with an apostrophe, which spreadsheets show as text: an
 * answer typed in a consultation must not run as a formula on an officer's computer.
 */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
