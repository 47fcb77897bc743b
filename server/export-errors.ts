/** The folder to export into holds files already: an export never overwrites or mixes in. */
export class ExportFolderError extends Error {
  override name = 'ExportFolderError';
}

/** Why a write failed and what to do, in words, for the failures an administrator can see to. */
const WRITE_FAILURES: Readonly<Record<string, { readonly why: string; readonly remedy: string }>> = {
  ENOSPC: { why: 'the disk is full', remedy: 'free some space' },
  EDQUOT: { why: 'the disk is full', remedy: 'free some space' },
  ENAMETOOLONG: { why: 'a file’s path is longer than the system takes', remedy: 'name a folder with a shorter path' },
};

/**
 * An export stopped part way (a full disk, a path too long): says why in a line, without the
 * stack, and that nothing of it was left.
 */
export class ExportStoppedError extends Error {
  override name = 'ExportStoppedError';
  constructor(folder: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const known = code === undefined ? undefined : WRITE_FAILURES[code];
    const why = known?.why ?? (cause instanceof Error ? cause.message : String(cause));
    super(
      `The export stopped part way (${code ?? 'error'}: ${why}). Nothing of it is left in ${folder}: ${known?.remedy ?? 'see to the cause'}, then export again.`,
      { cause },
    );
  }
}
