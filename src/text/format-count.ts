/** A count with its noun, as people say it: "1 change", "3 changes", "1 copy", "2 copies". */
export function formatCount(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
