// Made on first use, not when the app loads (see format-date.ts).
let time: Intl.DateTimeFormat | undefined;

/** A moment as a reader expects it: "26 Nov 2026, 3:04 pm". */
export function formatTime(ms: number): string {
  time ??= new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeStyle: 'short' });
  return time.format(new Date(ms));
}

let zoned: Intl.DateTimeFormat | undefined;

/**
 * The same moment with its time zone ("26 Nov 2026, 3:04 pm AEDT"), for a record read somewhere
 * else or later: a Markdown export, and the team's export, which a server on UTC wrote in UTC
 * without saying so.
 */
export function formatTimeWithZone(ms: number): string {
  zoned ??= new Intl.DateTimeFormat('en-AU', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  return zoned.format(new Date(ms));
}
