import {
  chosenOptions,
  otherAnswers,
  TEXT_MAX,
  type Channel,
  type FieldValue,
  type Worksheet,
} from '../content/worksheet.js';
import { draftTitle, teammateOf, type AnswerAuthor, type Draft, type DraftField } from '../data/draft.js';
import { FIELD_KEY_MAX, FIELD_KEY_PATTERN, MUTATION_FIELDS_MAX, isTime, isWorksheetVersion } from '../sync/protocol.js';
import { describeValue } from '../text/describe-value.js';
import { formatTimeWithZone } from '../text/format-time.js';

/** Marks a file as ours, and which version of the format it uses. */
export const EXPORT_FORMAT = 'engagement-field-kit/draft';
export const EXPORT_VERSION = 1;

/** Marks a file of every draft on a device (version 1 of its own format). */
export const EXPORT_ALL_FORMAT = 'engagement-field-kit/drafts';

/** The most drafts one file is read for: far more than a device holds, far fewer than would hang it. */
export const IMPORT_MAX_DRAFTS = 10_000;

export interface DraftExport {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: number;
  readonly exportedAt: string;
  readonly draft: Draft;
}

/** The JSON export of a draft: everything needed to import it again, on any device. */
export function draftToJson(draft: Draft, now = new Date()): string {
  const file: DraftExport = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), draft };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Every draft given, in one file: a device's drafts to keep, or to import on another device. */
export function draftsToJson(drafts: readonly Draft[], now = new Date()): string {
  const file = { format: EXPORT_ALL_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), drafts };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** An import file was not a draft this kit can read; `message` says why, for the user. */
export class ImportError extends Error {
  override name = 'ImportError';
}

const FIELD_KEY = new RegExp(FIELD_KEY_PATTERN);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function checkValue(key: string, value: unknown): FieldValue {
  const bad = (): never => {
    throw new ImportError(`The answer to "${key}" is not in a form the kit can read.`);
  };
  if (typeof value === 'string') return value.length <= TEXT_MAX ? value : bad();
  if (!Array.isArray(value) || value.length > 200) return bad();
  if (value.every((v) => typeof v === 'string' && v.length <= 200)) return value as string[];
  return value.map((v): Channel => {
    if (
      !isPlainObject(v) ||
      typeof v['id'] !== 'string' ||
      typeof v['name'] !== 'string' ||
      typeof v['note'] !== 'string'
    ) {
      return bad();
    }
    if (v['name'].length > TEXT_MAX || v['note'].length > TEXT_MAX) return bad();
    return { id: v['id'], name: v['name'], note: v['note'] };
  });
}

/**
 * The largest file an import reads. A device holds its whole team's drafts, and its export of all
 * of them, at IMPORT_MAX_DRAFTS drafts answered a paragraph a question, is about 81 MB: that is
 * read, with room for longer answers. A file larger still is not an export (a video picked by
 * mistake, which the check of its first bytes refuses too), and reading it whole could run a phone
 * out of memory.
 */
export const IMPORT_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Reads an export file, of one draft or of all of a device's: refused before it is read whole when
 * it is too large or does not begin as JSON does (a photo, a PDF), then checked as
 * {@link parseDraftsExport} does.
 */
export async function readDraftsExport(file: Blob, worksheet: Worksheet): Promise<Draft[]> {
  if (file.size > IMPORT_MAX_BYTES) {
    throw new ImportError(
      `This file is too large to be a draft exported from Engagement Field Kit (${Math.round(file.size / 1024 / 1024)} MB; an export is at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB).`,
    );
  }
  if (!/^\uFEFF?\s*\{/.test(await file.slice(0, 256).text())) {
    throw new ImportError('This is not a draft exported from Engagement Field Kit.');
  }
  return parseDraftsExport(await file.text(), worksheet);
}

/**
 * Reads a JSON export, checking every part of it against the format and the worksheet. A
 * corrupt, truncated or foreign file, or one from a newer kit, throws an {@link ImportError}.
 */
export function parseDraftExport(text: string, worksheet: Worksheet): Draft {
  const drafts = parseDraftsExport(text, worksheet);
  if (drafts.length !== 1) throw new ImportError('This file holds several drafts, not one.');
  return drafts[0]!;
}

/**
 * Reads a JSON export of one draft or of several (every draft on a device), checking every part
 * of each against the format and the worksheet. A corrupt, truncated or foreign file, one from a
 * newer kit, or one any draft of which is damaged, throws an {@link ImportError}: nothing of it
 * is taken.
 */
export function parseDraftsExport(text: string, worksheet: Worksheet): Draft[] {
  let file: unknown;
  try {
    // An export opened and saved again in some text editors gains a byte-order mark.
    file = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new ImportError(
      'This file is damaged or incomplete: it is not valid JSON. Export the draft again and retry.',
    );
  }
  if (!isPlainObject(file) || (file['format'] !== EXPORT_FORMAT && file['format'] !== EXPORT_ALL_FORMAT)) {
    throw new ImportError('This is not a draft exported from Engagement Field Kit.');
  }
  const version = file['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ImportError('This draft file has no readable format version.');
  }
  if (version > EXPORT_VERSION) {
    throw new ImportError(
      'This draft was exported by a newer version of the kit. Update the kit (reload it with a connection), then import again.',
    );
  }
  if (file['format'] === EXPORT_FORMAT) return [checkDraft(file['draft'], worksheet)];
  const drafts = file['drafts'];
  if (!Array.isArray(drafts) || drafts.length === 0) throw new ImportError('This file has no drafts in it.');
  if (drafts.length > IMPORT_MAX_DRAFTS)
    throw new ImportError(`This file holds more drafts than the kit imports at once (${IMPORT_MAX_DRAFTS}).`);
  const ids = new Set<string>();
  return drafts.map((d, i) => {
    const which = `Draft ${i + 1} of ${drafts.length} in this file`;
    let draft: Draft;
    try {
      draft = checkDraft(d, worksheet);
    } catch (error) {
      throw error instanceof ImportError ? new ImportError(`${which}: ${error.message}`) : error;
    }
    if (ids.has(draft.id)) throw new ImportError(`${which} is there twice.`);
    ids.add(draft.id);
    return draft;
  });
}

/** One draft of an export file, checked against the format and the worksheet. */
function checkDraft(d: unknown, worksheet: Worksheet): Draft {
  if (!isPlainObject(d)) throw new ImportError('This file has no draft in it.');
  if (typeof d['id'] !== 'string' || !UUID.test(d['id']))
    throw new ImportError('The draft in this file has no valid id.');
  if (d['worksheetId'] !== worksheet.id)
    throw new ImportError('This draft answers a different worksheet from the one in this kit.');
  if (!isTime(d['createdAt']) || !isTime(d['updatedAt']) || !(d['deletedAt'] === null || isTime(d['deletedAt']))) {
    throw new ImportError('The dates in this draft file are damaged.');
  }
  if (!isPlainObject(d['fields'])) throw new ImportError('The answers in this draft file are missing.');
  const entries = Object.entries(d['fields']);
  // As many as one change to the team's server may carry: an import is queued as one.
  if (entries.length > MUTATION_FIELDS_MAX)
    throw new ImportError('This draft file has more answers than a draft can hold.');
  const fields: Record<string, DraftField> = {};
  for (const [key, raw] of entries) {
    // A question the worksheet no longer asks (the draft was written before it changed) is kept
    // and shown as such; a key no worksheet could have is not an answer.
    if (!FIELD_KEY.test(key) || key.length > FIELD_KEY_MAX)
      throw new ImportError(`This draft has an answer to "${key}", which is not a question of this worksheet.`);
    if (!isPlainObject(raw) || !isTime(raw['changedAt']) || typeof raw['changedBy'] !== 'string') {
      throw new ImportError(`The answer to "${key}" is damaged.`);
    }
    fields[key] = {
      value: checkValue(key, raw['value']),
      changedAt: raw['changedAt'],
      changedBy: raw['changedBy'].slice(0, 100),
    };
  }
  // An export always names it; a file without one is taken as of this kit's worksheet.
  const worksheetVersion = d['worksheetVersion'] ?? worksheet.version;
  if (!isWorksheetVersion(worksheetVersion))
    throw new ImportError('The worksheet version in this draft file is damaged.');
  return {
    id: d['id'].toLowerCase(),
    worksheetId: worksheet.id,
    worksheetVersion,
    createdAt: d['createdAt'],
    updatedAt: d['updatedAt'],
    fields,
    deletedAt: null,
  };
}

/** Keeps user text as text in Markdown: no HTML, no accidental headings or lists. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|])/g, '\\$1')
    .replace(/^(\s*)([-+]|\d+\.)(\s)/gm, '$1\\$2$3');
}

/**
 * Whose change each answer is, for a record of the draft: `bylineOf(key)` names the teammate who
 * last changed the answer to `key`, or undefined where none should be named (this device's own).
 */
export type Bylines = (key: string) => AnswerAuthor | undefined;

/** On a device: the teammates' answers, as the worksheet shows them ({@link teammateOf}). */
export function teammatesOf(draft: Draft, deviceId: string | undefined): Bylines {
  return (key) => teammateOf(draft.fields[key], deviceId);
}

/**
 * The draft as a Markdown document: context, then each question with its answer, and under an
 * answer a teammate changed last, whose it is (as the worksheet shows it).
 */
export function draftToMarkdown(draft: Draft, worksheet: Worksheet, bylineOf: Bylines = () => undefined): string {
  const text = (key: string): string => {
    const v = draft.fields[key]?.value;
    return typeof v === 'string' ? v.trim() : '';
  };
  const lines = [`# ${escapeMarkdown(draftTitle(draft))}`, '', `_${escapeMarkdown(worksheet.title)}_`, ''];
  if (text('community')) lines.push(`**Community or location:** ${escapeMarkdown(text('community'))}  `);
  if (text('date')) lines.push(`**Consultation date:** ${escapeMarkdown(text('date'))}  `);
  lines.push('');
  for (const q of worksheet.questions) {
    lines.push(`## ${escapeMarkdown(q.label)}`, '');
    const value = draft.fields[q.id]?.value;
    if (q.type === 'choice') {
      const chosen = chosenOptions(q, value);
      lines.push(...(chosen.length ? chosen.map((o) => `- ${escapeMarkdown(o.label)}`) : ['_Not answered yet._']));
    } else if (q.type === 'channels') {
      const channels = (Array.isArray(value) ? value : []) as Channel[];
      const named = channels.filter((c) => c.name.trim() || c.note.trim());
      lines.push(
        ...(named.length
          ? named.map(
              (c) =>
                `- **${escapeMarkdown(c.name.trim() || 'Unnamed channel')}**${c.note.trim() ? `: ${escapeMarkdown(c.note.trim())}` : ''}`,
            )
          : ['_Not answered yet._']),
      );
    } else {
      const answer = typeof value === 'string' ? value.trim() : '';
      lines.push(answer ? escapeMarkdown(answer) : '_Not answered yet._');
    }
    const byline = bylineOf(q.id);
    if (byline) lines.push('', `_Last changed by ${escapeMarkdown(byline.by)}, ${formatTimeWithZone(byline.at)}._`);
    const conflict = draft.fields[q.id]?.conflict;
    if (conflict) {
      // Not yet chosen between: a record of the draft holds both teammates' answers.
      const other = escapeMarkdown(describeValue(q, conflict.value).trim()).split('\n');
      lines.push(
        '',
        `> **Another version, not yet chosen** (by ${escapeMarkdown(conflict.changedBy)}, ${formatTimeWithZone(conflict.changedAt)}):`,
        ...other.map((line) => (line ? `> ${line}` : '>')),
      );
    }
    lines.push('');
  }
  const others = otherAnswers(worksheet, draft.fields);
  if (others.length) {
    lines.push('## Answers to questions no longer in this worksheet', '');
    for (const o of others) lines.push(`### ${escapeMarkdown(o.label)}`, '', escapeMarkdown(o.text), '');
  }
  return lines.join('\n');
}

/** Every draft given as one Markdown document to read or send on, each as its own export gives it. */
export function draftsToMarkdown(drafts: readonly Draft[], worksheet: Worksheet, deviceId?: string): string {
  return drafts.map((d) => draftToMarkdown(d, worksheet, teammatesOf(d, deviceId))).join('\n---\n\n');
}

/**
 * A file name for an export of this draft: its title, made safe. Letters and digits of any script
 * stay (a title in Vietnamese or Arabic names its file, not "draft"); everything else, path
 * separators and dots included, becomes a hyphen. At most 60 characters, counted whole.
 */
export function exportFileName(draft: Draft, extension: 'md' | 'json'): string {
  const words = draftTitle(draft)
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+/, '');
  const base = [...words].slice(0, 60).join('').replace(/-+$/, '');
  return `${base || 'draft'}.${extension}`;
}
