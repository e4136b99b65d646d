import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { mockSecretsManager, secretIdsEnv } from '#test/helpers/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import { type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';
import { STOREFRONT_SECRET } from '#test/helpers/webhook-harness.ts';

const SESSIONS = {
  shop1: 'session-shop-1',
  revoked: 'session-shop-2-revoked',
  renewed: 'session-shop-2-renewed',
};
const parts = useTestParts({ statusStepMs: 1_000_000_000, sessions: [SESSIONS.shop1, SESSIONS.renewed] });
const sm = mockSecretsManager();
let stack: TrackingHarness | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function putSecrets(shop2: string) {
  sm.put(
    'top/credentials',
    JSON.stringify({
      app_key: TEST_APP.appKey,
      app_secret: TEST_APP.appSecret,
      sellers: { 'shop-1': SESSIONS.shop1, 'shop-2': shop2 },
    }),
  );
  sm.put('top/storefront', STOREFRONT_SECRET);
}

const deployed = () =>
  trackingHarness(parts, {
    env: secretIdsEnv({ topCredentials: 'top/credentials', storefrontWebhook: 'top/storefront' }),
    overrides: { secretsManager: new SecretsManagerClient({ region: 'us-east-1' }) },
  });

describe('a seller whose session TOP refuses', () => {
  it('has its orders parked with the reason while the others go on, and resumed once its secret changes', async () => {
    putSecrets(SESSIONS.revoked);
    stack = await deployed();
    await stack.track({ seller_id: 'shop-1', logistics_order_id: 'BP-A' });
    await stack.track({ seller_id: 'shop-2', logistics_order_id: 'BP-B' });
    await stack.round();

    expect((await stack.view('BP-A')).body.status).toBe('1');
    const parked = await stack.view('BP-B');
    expect(parked.body).toMatchObject({
      parked: { reason: 'TOP refused the seller session', code: 'IllegalAccessToken' },
      last_error: { kind: 'auth', code: 'IllegalAccessToken' },
    });
    expect(parked.body).not.toHaveProperty('next_refresh_at');
    // Parked orders are not dispatched, however long it takes.
    stack.clock.now += 3_600_000;
    expect(await stack.round()).toMatchObject({ dispatched: 1, resumed: 0 });

    putSecrets(SESSIONS.renewed);
    stack.clock.now += 60_000;
    expect(await stack.round()).toMatchObject({ resumed: 1 });
    const resumed = await stack.view('BP-B');
    expect(resumed.body).toMatchObject({ status: '1', last_error: null });
    expect(resumed.body).not.toHaveProperty('parked');
  });

  it('parks the orders of a seller removed from the secret, and resumes them when it is back', async () => {
    putSecrets(SESSIONS.renewed);
    stack = await deployed();
    await stack.track({ seller_id: 'shop-2', logistics_order_id: 'BP-C' });
    sm.put(
      'top/credentials',
      JSON.stringify({
        app_key: TEST_APP.appKey,
        app_secret: TEST_APP.appSecret,
        sellers: { 'shop-1': SESSIONS.shop1 },
      }),
    );
    // As when the cached secret reaches its max age.
    await stack.runtime.credentials.refresh();
    stack.clock.now += 60_000;
    await stack.round();
    expect((await stack.view('BP-C')).body).toMatchObject({
      parked: { reason: 'the seller has no session in the TOP credentials secret' },
    });

    putSecrets(SESSIONS.renewed);
    stack.clock.now += 60_000;
    expect(await stack.round()).toMatchObject({ resumed: 1 });
    expect((await stack.view('BP-C')).body).toMatchObject({ status: '1', last_error: null });
  });
});
