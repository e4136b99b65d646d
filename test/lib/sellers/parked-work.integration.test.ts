import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SellersHarness, sellersHarness } from '#test/helpers/sellers-harness.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { appCredentials, clientFor } from '#test/helpers/top-sim.ts';
import { type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';

// The platform, the sellers' stores and the refresh share one clock, moved by hand.
const time = { now: Date.now() };
const parts = useTestParts({
  now: () => time.now,
  accessTtlMs: 40_000,
  refreshTtlMs: 400_000,
  statusStepMs: 1e9,
});

let sellers: SellersHarness;
let refresh: TrackingHarness;
beforeEach(async () => {
  sellers = await sellersHarness(parts);
  refresh = await trackingHarness(parts, {
    env: sellers.sellersEnv,
    overrides: { secretsManager: sellers.secretsManager },
  });
});
afterEach(async () => {
  await refresh.close();
  await sellers.close();
});

function advance(ms: number) {
  time.now += ms;
  sellers.clock.now = time.now;
  refresh.clock.now = time.now;
}

describe('the work of a seller who must authorize again', () => {
  it('is parked when the platform refuses the lapsed token, and resumes by itself after a new authorization', async () => {
    advance(0);
    expect((await sellers.authorize('shop-park')).status).toBe(200);
    expect((await refresh.track({ seller_id: 'shop-park', logistics_order_id: 'LP-1' })).status).toBe(201);
    await refresh.round();
    expect((await refresh.view('LP-1')).body).toMatchObject({ status: '1', last_error: null });

    // The refresh token is spent elsewhere: the renewal is refused, and the access token runs out.
    const tokens = await sellers.sellers.vault.read('shop-park');
    await clientFor(parts.sim).rest(
      '/auth/token/refresh',
      { refresh_token: tokens?.refresh_token ?? '' },
      appCredentials,
    );
    advance(21_000);
    expect((await sellers.renew()).outcomes).toMatchObject({ reauthorize: 1 });
    advance(120_000);
    await refresh.round();
    expect((await refresh.view('LP-1')).body).toMatchObject({
      parked: { code: 'IllegalAccessToken' },
      last_error: { kind: 'auth' },
    });
    expect(await refresh.round()).toMatchObject({ resumed: 0 });

    expect((await sellers.authorize('shop-park')).status).toBe(200);
    advance(5_000);
    expect(await refresh.round()).toMatchObject({ resumed: 1 });
    const resumed = await refresh.view('LP-1');
    expect(resumed.body).toMatchObject({ last_error: null });
    expect(resumed.body).not.toHaveProperty('parked');
  });
});
