import { describe, expect, expectTypeOf, it } from 'vitest';
import { loadConfig } from '#lib/config/config.ts';
import { refreshCallsPerSecond, type TrackingConfigFor } from '#lib/config/tracking.ts';
import type { TrackingRuntime } from '#lib/runtime/tracking-runtime.ts';
import type { RefreshQueue, StatusEventPublisher } from '#lib/tracking/ports.ts';
import { configProblemsOf, LOCAL_ENV } from '#test/helpers/config.ts';

const local = { ...LOCAL_ENV, LOGISTICS_ORDERS_TABLE: 'logistics-orders' };
const problemsOf = configProblemsOf;

describe('the tracking section', () => {
  it('is absent unless asked for', () => {
    expect(loadConfig(local).tracking).toBeUndefined();
  });

  it('fills the schedule in milliseconds, never letting the longest interval fall below the first', () => {
    const { tracking } = loadConfig(
      { ...local, REFRESH_INTERVAL_SECONDS: '600', REFRESH_MAX_INTERVAL_SECONDS: '60' },
      { tracking: [] },
    );
    expect(tracking).toMatchObject({
      table: 'logistics-orders',
      schedule: {
        intervalMs: 600_000,
        maxIntervalMs: 600_000,
        leaseMs: 300_000,
        retentionMs: 30 * 86_400_000,
      },
      queueUrl: undefined,
      eventBusName: undefined,
      pageSize: 100,
      concurrency: 8,
      callsPerSecond: 0,
    });
  });

  it('requires its table, and what each need names', () => {
    expect(problemsOf(() => loadConfig({ ...local, LOGISTICS_ORDERS_TABLE: '' }, { tracking: [] }))).toEqual([
      'LOGISTICS_ORDERS_TABLE is required',
    ]);
    expect(problemsOf(() => loadConfig(local, { tracking: ['events', 'queue'] }))).toEqual([
      'REFRESH_QUEUE_URL is required',
      'STATUS_EVENT_BUS_NAME is required',
    ]);
  });

  it('types what the needs require as present, and so the runtime ports', () => {
    const env = { ...local, REFRESH_QUEUE_URL: 'https://sqs.example.com/1/q', STATUS_EVENT_BUS_NAME: 'bus' };
    const queued = loadConfig(env, { tracking: ['queue'] });
    expect(queued.tracking.queueUrl).toBe('https://sqs.example.com/1/q');
    expectTypeOf(queued.tracking.queueUrl).toEqualTypeOf<string>();
    expectTypeOf(queued.tracking.eventBusName).toEqualTypeOf<string | undefined>();
    expectTypeOf(loadConfig(env, { tracking: [] }).tracking.queueUrl).toEqualTypeOf<string | undefined>();

    expectTypeOf<TrackingRuntime<TrackingConfigFor<'queue'>>['queue']>().toEqualTypeOf<RefreshQueue>();
    expectTypeOf<TrackingRuntime<TrackingConfigFor<'queue'>>['events']>().toEqualTypeOf<
      StatusEventPublisher | undefined
    >();
    expectTypeOf<
      TrackingRuntime<TrackingConfigFor<'events'>>['events']
    >().toEqualTypeOf<StatusEventPublisher>();
    expectTypeOf<TrackingRuntime<TrackingConfigFor<never>>['queue']>().toEqualTypeOf<
      RefreshQueue | undefined
    >();
  });
});

describe('refreshCallsPerSecond', () => {
  it("gives each worker container its share of 95% of the platform's limit", () => {
    expect(refreshCallsPerSecond(200, 1)).toBe(190);
    expect(refreshCallsPerSecond(200, 2)).toBe(95);
    expect(refreshCallsPerSecond(200, 3)).toBe(63);
  });

  it("leaves out what the app's other calls need at their peak", () => {
    expect(refreshCallsPerSecond(200, 2, 30)).toBe(80);
  });

  it('refuses a limit that leaves a worker less than one call a second, and a worker count that is not whole', () => {
    expect(() => refreshCallsPerSecond(1, 2)).toThrow(RangeError);
    expect(() => refreshCallsPerSecond(200, 200, 30)).toThrow(RangeError);
    expect(() => refreshCallsPerSecond(200, 0)).toThrow(RangeError);
    expect(() => refreshCallsPerSecond(200, 1.5)).toThrow(RangeError);
  });
});
