/** Builds a join link: the code travels in the fragment, so it never reaches a server log. */
export function joinLink(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/join#${code}`;
}
