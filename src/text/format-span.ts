import { formatCount } from './format-count.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time as people say it, rounded to its largest sensible unit: "5 minutes",
 * "3 hours", "12 days", "26 years" (a phone's clock reset to its maker's date is that far out).
 */
export function formatSpan(ms: number): string {
  const span = Math.abs(ms);
  if (span < 90 * MINUTE) return formatCount(Math.max(1, Math.round(span / MINUTE)), 'minute');
  if (span < 48 * HOUR) return formatCount(Math.round(span / HOUR), 'hour');
  if (span < 730 * DAY) return formatCount(Math.round(span / DAY), 'day');
  return formatCount(Math.round(span / (365.25 * DAY)), 'year');
}
