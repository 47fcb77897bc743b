/**
 * Wraps a read so that asking for it while it runs waits for that read and one more, shared by
 * everyone who asks meanwhile: notices that come faster than the read (a sync's pages, another
 * tab's edits) cost one read between them, not one each queued ahead of the writes they report.
 */
export function coalescedRead(read: () => Promise<void>): () => Promise<void> {
  let reading: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (!reading) {
      reading = read().finally(() => (reading = undefined));
      return reading;
    }
    next ??= reading.then(() => {
      next = undefined;
      return refresh();
    });
    return next;
  };
  return refresh;
}
