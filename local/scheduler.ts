export interface ScheduleOptions {
  /** Named in the logs. */
  readonly name: string;
  readonly intervalMs: number;
  readonly run: () => Promise<unknown>;
  /** Where a failed run is reported; default stderr. */
  readonly logError?: (message: string, error: unknown) => void;
}

export interface Schedule {
  /** No run starts after this; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, first one interval after the start, like an EventBridge rate rule.
 * Runs never overlap: a tick while the previous run still goes on is skipped. A failed run is logged
 * and the schedule keeps ticking.
 */
export function startSchedule(options: ScheduleOptions): Schedule {
  const { name, intervalMs, run } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`schedule ${name}: intervalMs must be a positive number, got ${intervalMs}`);
  }
  const logError = options.logError ?? ((message, error) => console.error(`[schedule] ${message}`, error));
  let running: Promise<void> | undefined;
  let stopped = false;

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = (async () => run())()
      .then(
        () => {},
        (error: unknown) => logError(`${name} failed`, error),
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);

  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
