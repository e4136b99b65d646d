import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { TOP_AUTH_ERROR_METRIC } from '#lib/observability/telemetry.ts';
import { mockSecretsManager } from '#test/helpers/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import {
  captureStdout,
  fulfillment,
  loudTelemetry,
  STOREFRONT_SECRET,
  WMS_SECRET,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// The alarm "TOP auth errors" sums this metric over the functions (infra/constructs/monitoring.ts).
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

const harness = () =>
  webhookHarness(parts.dynamo, parts.sim, {
    env: {
      TOP_APP_KEY: '',
      TOP_APP_SECRET: '',
      TOP_SESSION: '',
      WMS_WEBHOOK_SECRET: '',
      STOREFRONT_WEBHOOK_SECRET: '',
      TOP_CREDENTIALS_SECRET_ID: TOP_ID,
      WMS_WEBHOOK_SECRET_ID: 'wms',
      STOREFRONT_WEBHOOK_SECRET_ID: 'storefront',
    },
    overrides: {
      secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
      ...loudTelemetry('auth-test'),
    },
    service: 'auth-test',
  });

let stdout: ReturnType<typeof captureStdout> | undefined;
afterEach(() => stdout?.restore());

/** The TopAuthError counts in the EMF lines printed so far. */
const authErrorCounts = (lines: string[]): number[] =>
  lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record._aws !== undefined && TOP_AUTH_ERROR_METRIC in record)
    .map((record) => record[TOP_AUTH_ERROR_METRIC] as number);

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
