/**
 * The strategy worksheet as the build writes it from `content/worksheet.yaml`: data the app
 * renders as questions. Shared by the build (producer) and the app.
 */

/** The guide passage a question comes from, shown in place beside the question. */
export interface GuidancePassage {
  readonly guide: string;
  readonly section: string;
  readonly sectionTitle: string;
  readonly quote: string;
}

export interface ChoiceOption {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
}

interface QuestionBase {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  readonly guidance: GuidancePassage;
}

export interface TextQuestion extends QuestionBase {
  readonly type: 'text';
}
export interface ChoiceQuestion extends QuestionBase {
  readonly type: 'choice';
  readonly options: readonly ChoiceOption[];
}
export interface ChannelsQuestion extends QuestionBase {
  readonly type: 'channels';
}
export interface DateQuestion extends QuestionBase {
  readonly type: 'date';
  /**
   * What falls due on the date answered, as a noun ("Review"): the drafts list says when it is
   * due, and marks it once the day has come.
   */
  readonly due?: string;
}

export type Question = TextQuestion | ChoiceQuestion | ChannelsQuestion | DateQuestion;

export const QUESTION_TYPES = ['text', 'choice', 'channels', 'date'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** A question taken out of the worksheet, kept by id and label so that answers to it still show. */
export interface RetiredQuestion {
  readonly id: string;
  readonly label: string;
}

export interface Worksheet {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly intro: string;
  readonly guide: string;
  readonly questions: readonly Question[];
  /** Questions the worksheet asked once and no longer does. */
  readonly retired?: readonly RetiredQuestion[];
}

/** A channel under consideration, with the team's note on its strengths and weaknesses. */
export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly note: string;
}

/** The longest text a field may hold (an answer, a channel's name or note): the sync protocol's bound. */
export const TEXT_MAX = 100_000;

/** What a field of a draft holds: text (also dates as YYYY-MM-DD), chosen option ids, or channels. */
export type FieldValue = string | readonly string[] | readonly Channel[];

/** The consultation context every draft records, besides the questions. */
export const CONTEXT_FIELDS = ['title', 'community', 'date'] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

/** URL of the built worksheet; revalidated like the guide index. */
export const WORKSHEET_URL = '/content/worksheet.json';

/** Whether a question counts as answered, for the drafts list's completeness indicator. */
export function isAnswered(value: FieldValue | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  return value.some((v) => (typeof v === 'string' ? v !== '' : v.name.trim() !== '' || v.note.trim() !== ''));
}

/**
 * The options a choice answer holds, in the worksheet's order. An answer held as one option's id
 * alone is read as that option chosen: the team's server stored a list of one option that way
 * until its request checking stopped converting answers (see server/request-validator.ts).
 */
export function chosenOptions(q: ChoiceQuestion, value: FieldValue | undefined): ChoiceOption[] {
  const ids: readonly unknown[] = typeof value === 'string' ? [value] : (value ?? []);
  return q.options.filter((o) => ids.includes(o.id));
}

/** An answer a draft holds to a question the worksheet no longer asks, as text to show. */
export interface OtherAnswer {
  readonly key: string;
  readonly label: string;
  readonly text: string;
}

/**
 * The draft's answers to questions the worksheet does not ask (any more: the worksheet changed
 * after they were written), in the draft's order: shown as text and exported, so an update of
 * the worksheet never takes an answer out of sight.
 */
export function otherAnswers(
  worksheet: Worksheet,
  fields: Readonly<Record<string, { readonly value: FieldValue }>>,
): OtherAnswer[] {
  const asked = new Set<string>([...CONTEXT_FIELDS, ...worksheet.questions.map((q) => q.id)]);
  const labels = new Map((worksheet.retired ?? []).map((q) => [q.id, q.label]));
  return Object.entries(fields)
    .filter(([key, f]) => !asked.has(key) && isAnswered(f.value))
    .map(([key, { value }]) => ({
      key,
      label: labels.get(key) ?? `A question no longer in the worksheet (“${key}”)`,
      text:
        typeof value === 'string'
          ? value.trim()
          : value
              .map((v) => (typeof v === 'string' ? v : `${v.name.trim() || 'Unnamed channel'}${v.note.trim() ? `: ${v.note.trim()}` : ''}`))
              .join('\n'),
    }));
}
