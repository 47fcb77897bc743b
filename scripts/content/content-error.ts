/**
 * A mistake in a content file. Its message starts with `file:line` so an editor's terminal links
 * straight to it, and the build stops rather than shipping a guide with a hole in it.
 */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ContentError';
  }
}
