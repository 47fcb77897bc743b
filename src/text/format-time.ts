const TIME = new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeStyle: 'short' });

/** A moment as a reader expects it: "26 Nov 2026, 3:04 pm". */
export function formatTime(ms: number): string {
  return TIME.format(new Date(ms));
}
