const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * An ISO date (2015-03-27) in the words an Australian reader expects: "27 March 2015", as
 * `Intl.DateTimeFormat('en-AU', { day: 'numeric', month: 'long', year: 'numeric' })` writes it.
 * Written out rather than asked of Intl: a page's first Intl formatter loads the locale data, which
 * a trace of the offline cold start showed costing ~20 ms before a draft (whose date is shown)
 * could open. Something that is not a date comes back as it is.
 */
export function formatDate(isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]!} ${date.getUTCFullYear()}`;
}
