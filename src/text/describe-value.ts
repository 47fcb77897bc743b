import { chosenOptions, type Channel, type FieldValue, type Question } from '../content/worksheet.js';
import { formatDate } from './format-date.js';

/** A field's value in words, for conflicts and summaries. */
export function describeValue(question: Question | undefined, value: FieldValue | undefined): string {
  if (
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  ) {
    return '(empty)';
  }
  if (question?.type === 'choice')
    return chosenOptions(question, value)
      .map((o) => o.label)
      .join(', ');
  if (typeof value === 'string') return question?.type === 'date' ? formatDate(value) : value;
  return (value as readonly (Channel | string)[])
    .map((c) => (typeof c === 'string' ? c : c.note ? `${c.name}: ${c.note}` : c.name))
    .join('; ');
}
