/**
 * The calendar date where the device is, as an ISO date (2026-11-27): the date a consultation
 * that starts now is on. `toISOString()` gives the date in UTC, which in eastern Australia is
 * still yesterday's until 10 or 11 in the morning.
 */
export function localIsoDate(at: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}
