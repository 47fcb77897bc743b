import type { Worksheet } from '../content/worksheet.js';
import type { Draft } from '../data/draft.js';
import { formatDate } from '../text/format-date.js';

/** What falls due on a draft, in words ("Review due 3 December 2026"), with its date. */
export interface DraftDue {
  readonly text: string;
  /** The ISO date it falls due. */
  readonly date: string;
  /** Its day has come: due today or overdue. */
  readonly reached: boolean;
}

/**
 * The soonest of what falls due on a draft (its next review: see DateQuestion.due), or null;
 * `today` is the device's local date (see localIsoDate).
 */
export function draftDue(draft: Draft, worksheet: Worksheet, today: string): DraftDue | null {
  let soonest: { what: string; date: string } | null = null;
  for (const q of worksheet.questions) {
    const date = draft.fields[q.id]?.value;
    if (q.type !== 'date' || !q.due || typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
    if (!soonest || date < soonest.date) soonest = { what: q.due, date };
  }
  if (!soonest) return null;
  const { what, date } = soonest;
  if (date > today) return { text: `${what} due ${formatDate(date)}`, date, reached: false };
  return {
    text: date === today ? `${what} due today` : `${what} overdue: due ${formatDate(date)}`,
    date,
    reached: true,
  };
}
