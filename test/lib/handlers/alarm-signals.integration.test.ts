import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { TOP_AUTH_ERROR_METRIC } from '#lib/observability/telemetry.ts';
import { mockSecretsManager, secretIdsEnv } from '#test/helpers/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import { trackingHarness } from '#test/helpers/tracking-harness.ts';
import {
  captureStdout,
  fulfillment,
  loudTelemetry,
  STOREFRONT_SECRET,
  WMS_SECRET,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// What the alarms (infra/constructs/monitoring.ts) and the operator's redrive (README "Deploy") read.
const TOP_ID = 'top-webhooks/top-credentials';
const SESSION = 'session-shop-1';
const EXPIRED_SESSION = 'session-shop-1-expired';

const sm = mockSecretsManager();
const parts = useTestParts({ sessions: [SESSION] });

function putSecrets(session: string): void {
  sm.put(
    TOP_ID,
    JSON.stringify({
      app_key: TEST_APP.appKey,
      app_secret: TEST_APP.appSecret,
      sellers: { 'shop-1': session },
    }),
  );
  sm.put('wms', WMS_SECRET);
  sm.put('storefront', STOREFRONT_SECRET);
}

const harness = (env: Record<string, string> = {}, service = 'auth-test') =>
  webhookHarness(parts.dynamo, parts.sim, {
    env: {
      ...env,
      ...secretIdsEnv({ topCredentials: TOP_ID, wmsWebhook: 'wms', storefrontWebhook: 'storefront' }),
    },
    overrides: {
      secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
      ...loudTelemetry(service),
    },
    service,
  });

let stdout: ReturnType<typeof captureStdout> | undefined;
afterEach(() => stdout?.restore());

/** The TopAuthError counts in the EMF lines printed so far. */
const authErrorCounts = (lines: string[]): number[] =>
  lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record._aws !== undefined && TOP_AUTH_ERROR_METRIC in record)
    // One invocation adding the metric twice prints both values in a list.
    .flatMap((record) => [record[TOP_AUTH_ERROR_METRIC] as number | number[]].flat());

describe('the TopAuthError metric', () => {
  it('is published when TOP refuses the seller session on a webhook, and again by each sweep it fails', async () => {
    putSecrets(EXPIRED_SESSION);
    const stack = await harness();
    stdout = captureStdout();

    const pending = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '7101' }) });
    expect(pending.status).toBe(202);
    expect(authErrorCounts(stdout.lines())).toEqual([1]);

    stack.clock.now += 120_000;
    expect(await stack.sweep()).toMatchObject({
      attempted: 1,
      authErrors: 1,
      outcomes: { PENDING_RETRY: 1 },
    });
    expect(authErrorCounts(stdout.lines())).toEqual([1, 1]);
  });

  it('is not published for a delivery TOP accepts, nor for the replay of an earlier answer', async () => {
    putSecrets(SESSION);
    const stack = await harness();
    stdout = captureStdout();
    const body = { fulfillment: fulfillment({ out_ref: '7102' }) };

    expect((await stack.deliverStorefront(body, { id: 'msg_7102' })).status).toBe(200);
    expect((await stack.deliverStorefront(body, { id: 'msg_7102' })).status).toBe(200);
    expect(stdout.lines().some((line) => line.includes('"_aws"'))).toBe(true);
    expect(authErrorCounts(stdout.lines())).toEqual([]);
  });
});

describe('an operation that goes DEAD in the sweeper', () => {
  it('is logged with its id, attempts and error kind, for the operator to replay', async () => {
    const printed: string[] = [];
    let warnings: MockInstance | undefined;
    putSecrets(SESSION);
    const stack = await harness({ RETRY_MAX_ATTEMPTS: '2' }, 'dead-test');
    parts.sim.faults.set([{ type: 'isp' }]);
    stdout = captureStdout();
    try {
      const accepted = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '7103' }) });
      expect(accepted.status).toBe(202);
      stack.clock.now += 86_400_000;
      // Warnings go to stderr, as console.warn does.
      warnings = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
      expect(await stack.sweep()).toMatchObject({ outcomes: { DEAD: 1 } });
    } finally {
      warnings?.mockRestore();
      parts.sim.faults.set([]);
    }
    const dead = printed
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.message === 'operation is DEAD');
    expect(dead).toEqual([
      expect.objectContaining({
        level: 'WARN',
        operation_id: expect.stringMatching(/\S/),
        attempts: 2,
        error_kind: 'transient',
      }),
    ]);
  });
});

describe('a seller whose orders the refresh worker parks', () => {
  it('counts a TopAuthError, once per parked order', async () => {
    putSecrets(EXPIRED_SESSION);
    const tracking = await trackingHarness(parts, {
      env: secretIdsEnv({ topCredentials: TOP_ID, storefrontWebhook: 'storefront' }),
      overrides: {
        secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
        ...loudTelemetry('refresh-test'),
      },
    });
    stdout = captureStdout();
    try {
      await tracking.track({ seller_id: 'shop-1', logistics_order_id: 'BP-AUTH-1' });
      await tracking.track({ seller_id: 'shop-1', logistics_order_id: 'BP-AUTH-2' });
      await tracking.round();
      expect((await tracking.view('BP-AUTH-1')).body).toMatchObject({
        parked: { code: 'IllegalAccessToken' },
      });
      expect(authErrorCounts(stdout.lines())).toEqual([1, 1]);
    } finally {
      await tracking.close();
    }
  });
});
