// Made on first use, not when the app loads (see format-date.ts).
let time: Intl.DateTimeFormat | undefined;

/** A moment as a reader expects it: "26 Nov 2026, 3:04 pm". */
export function formatTime(ms: number): string {
  time ??= new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeStyle: 'short' });
  return time.format(new Date(ms));
}
