import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Schedule, startSchedule } from '#local/scheduler.ts';

/** A run that stays in progress until the test finishes it. */
function controlledRuns() {
  const finishers: (() => void)[] = [];
  let started = 0;
  return {
    run: () =>
      new Promise<void>((resolve) => {
        started += 1;
        finishers.push(resolve);
      }),
    get started() {
      return started;
    },
    finishAll: () => {
      for (const finish of finishers.splice(0)) finish();
    },
  };
}

let schedule: Schedule | undefined;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await schedule?.stop();
  schedule = undefined;
  vi.useRealTimers();
});

describe('startSchedule', () => {
  it('runs once per interval, the first one interval after the start', async () => {
    const run = vi.fn(async () => {});
    schedule = startSchedule({ name: 'sweeper', intervalMs: 1_000, run });

    await vi.advanceTimersByTimeAsync(999);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_001);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('skips a tick while the previous run is still going, never overlapping', async () => {
    const runs = controlledRuns();
    schedule = startSchedule({ name: 'sweeper', intervalMs: 1_000, run: runs.run });

    await vi.advanceTimersByTimeAsync(3_500);
    expect(runs.started).toBe(1);

    runs.finishAll();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.started).toBe(2);
    runs.finishAll();
  });

  it('logs a failed run and keeps ticking', async () => {
    const failure = new Error('DynamoDB is down');
    const run = vi.fn().mockRejectedValueOnce(failure).mockResolvedValue(undefined);
    const logError = vi.fn();
    schedule = startSchedule({ name: 'sweeper', intervalMs: 1_000, run, logError });

    await vi.advanceTimersByTimeAsync(2_000);

    expect(run).toHaveBeenCalledTimes(2);
    expect(logError).toHaveBeenCalledExactlyOnceWith('sweeper failed', failure);
  });

  it('logs a run that throws before returning a promise, and keeps ticking', async () => {
    const logError = vi.fn();
    let calls = 0;
    schedule = startSchedule({
      name: 'sweeper',
      intervalMs: 1_000,
      run: () => {
        calls += 1;
        throw new Error('sync failure');
      },
      logError,
    });

    await vi.advanceTimersByTimeAsync(2_000);

    expect(calls).toBe(2);
    expect(logError).toHaveBeenCalledTimes(2);
  });

  it('stop waits for the run in progress and starts no other', async () => {
    const runs = controlledRuns();
    const current = startSchedule({ name: 'sweeper', intervalMs: 1_000, run: runs.run });
    await vi.advanceTimersByTimeAsync(1_000);

    let stopped = false;
    const stopping = current.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);

    runs.finishAll();
    await stopping;
    expect(stopped).toBe(true);
    expect(runs.started).toBe(1);
  });

  it.each([0, -5, Number.NaN])('rejects an interval of %s ms', (intervalMs) => {
    expect(() => startSchedule({ name: 'sweeper', intervalMs, run: async () => {} })).toThrow(
      'schedule sweeper: intervalMs',
    );
  });
});
