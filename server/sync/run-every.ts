/**
 * Runs `task` now and every `everyMs` after the last run ended, never two at once, off the
 * process's keep-alive (the timer does not hold a stopping server open). `stop()` ends the timer
 * and waits for a run in progress, so the database can be closed after it.
 */
export function runEvery<T>(
  task: () => Promise<T>,
  {
    everyMs,
    onRun,
    onError,
  }: {
    readonly everyMs: number;
    readonly onRun: (result: T) => void;
    readonly onError: (error: unknown) => void;
  },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = (): void => {
    running = task()
      .then(onRun, onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(run, everyMs).unref();
      });
  };
  timer = setTimeout(run, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
