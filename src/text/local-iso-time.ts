import { localIsoDate } from './local-iso-date.js';

/**
 * A moment as the clock where the code runs shows it, in ISO 8601 with its offset from UTC
 * (2026-11-28T14:05+11:00): what a spreadsheet sorts as text in time order within a zone, and
 * what no reader mistakes for another zone's.
 */
export function localIsoTime(ms: number): string {
  const at = new Date(ms);
  const pad = (n: number): string => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  // getTimezoneOffset is minutes behind UTC: east of Greenwich it is negative.
  const ahead = -at.getTimezoneOffset();
  const offset = `${ahead < 0 ? '-' : '+'}${pad(ahead / 60)}:${pad(ahead % 60)}`;
  return `${localIsoDate(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}${offset}`;
}
