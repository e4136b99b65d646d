import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { mockSecretsManager, secretIdsEnv } from '#test/helpers/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import { NEXT_WEBHOOK_SECRET } from '#test/helpers/webhook-fixtures.ts';
import {
  deliveryOrder,
  fulfillment,
  STOREFRONT_SECRET,
  WMS_SECRET,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

const TOP_ID = 'top-webhooks/top-credentials';
const WMS_ID = 'top-webhooks/wms-webhook-secret';
const STOREFRONT_ID = 'top-webhooks/storefront-webhook-secret';

// Sessions the simulator accepts; any other (an expired one) is TOP's code 27, Invalid Session.
const SESSIONS = { shop1: 'session-shop-1', shop2: 'session-shop-2', rotated: 'session-shop-1-rotated' };
const EXPIRED_SESSION = 'session-shop-1-expired';

const sm = mockSecretsManager();

const parts = useTestParts({ sessions: Object.values(SESSIONS) });

/** The TOP credentials secret as stored in Secrets Manager (layout: lib/credentials/top-secret.ts). */
const topSecret = (sellers: Record<string, string>) =>
  JSON.stringify({ app_key: TEST_APP.appKey, app_secret: TEST_APP.appSecret, sellers });

function putSecrets(sellers: Record<string, string> = { 'shop-1': SESSIONS.shop1 }): void {
  sm.put(TOP_ID, topSecret(sellers));
  sm.put(WMS_ID, WMS_SECRET);
  sm.put(STOREFRONT_ID, STOREFRONT_SECRET);
}

/** The functions as deployed: every secret read from Secrets Manager (mocked), none from the environment. */
const deployed = () =>
  webhookHarness(parts.dynamo, parts.sim, {
    env: secretIdsEnv({ topCredentials: TOP_ID, wmsWebhook: WMS_ID, storefrontWebhook: STOREFRONT_ID }),
    overrides: { secretsManager: new SecretsManagerClient({ region: 'us-east-1' }) },
  });

const fulfilCalls = () =>
  parts.sim.ledger.filter((entry) => entry.method === 'aliexpress.solution.order.fulfill');

describe('a seller added to the TOP credentials secret', () => {
  it('is served without a redeploy: the unknown seller forces one refetch, then 200', async () => {
    putSecrets();
    const stack = await deployed();
    expect((await stack.deliverStorefront({ seller_id: 'shop-1', fulfillment: fulfillment() })).status).toBe(
      200,
    );
    expect(sm.calls(TOP_ID)).toBe(1);

    putSecrets({ 'shop-1': SESSIONS.shop1, 'shop-2': SESSIONS.shop2 });
    const added = await stack.deliverStorefront({
      seller_id: 'shop-2',
      fulfillment: fulfillment({ out_ref: '6001' }),
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(sm.calls(TOP_ID)).toBe(2);
    expect(fulfilCalls()).toHaveLength(2);
    expect((await stack.getOperation(String(added.body.operation_id))).body).toMatchObject({
      request: { seller_id: 'shop-2' },
    });
  });

  it('is still refused (422) when the refetched secret does not have it, and refetched at most once per interval', async () => {
    putSecrets();
    const stack = await deployed();
    for (const out_ref of ['6002', '6003']) {
      const refused = await stack.deliverStorefront({
        seller_id: 'shop-9',
        fulfillment: fulfillment({ out_ref }),
      });
      expect(refused.status).toBe(422);
      expect(refused.body.type).toBe('urn:top-webhooks:problem:unknown-seller');
    }
    // The first read, and one forced refetch for both refusals.
    expect(sm.calls(TOP_ID)).toBe(2);
    expect(await stack.items()).toHaveLength(0);
  });
});

describe('a seller removed from the TOP credentials secret', () => {
  it('does not change the answer to a redelivery of its fulfilment that was already shipped: replayed 200', async () => {
    putSecrets({ 'shop-1': SESSIONS.shop1, 'shop-2': SESSIONS.shop2 });
    const stack = await deployed();
    const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '6050' }) };
    const shipped = await stack.deliverStorefront(body, { id: 'msg_offboarded' });
    expect(shipped.status).toBe(200);

    // shop-1 leaves; a delivery for a newly added seller makes this container read the new secret.
    putSecrets({ 'shop-2': SESSIONS.shop2, 'shop-3': SESSIONS.shop2 });
    const added = await stack.deliverStorefront({
      seller_id: 'shop-3',
      fulfillment: fulfillment({ out_ref: '6051' }),
    });
    expect(added.status).toBe(200);

    // The sender lost our 200 and sends the same delivery again: the record answers, as for any redelivery.
    const redelivered = await stack.deliverStorefront(body, { id: 'msg_offboarded' });
    expect(redelivered.status).toBe(200);
    expect(redelivered.headers['idempotent-replayed']).toBe('true');
    expect(redelivered.raw).toBe(shipped.raw);
    expect(fulfilCalls()).toHaveLength(2);
  });
});

describe('a seller session rotated in the secret', () => {
  it('is picked up after TOP’s auth error: one refetch, the call made again once with it, 200', async () => {
    putSecrets({ 'shop-1': EXPIRED_SESSION });
    const stack = await deployed();
    // A WMS delivery needs no session but reads the secret: the container now caches the old one.
    expect((await stack.deliverWms({ delivery_order: deliveryOrder() })).status).toBe(200);
    expect(sm.calls(TOP_ID)).toBe(1);

    putSecrets({ 'shop-1': SESSIONS.rotated });
    const requestsBefore = parts.sim.stats().requests;
    const shipped = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '6101' }) });

    expect(shipped.status).toBe(200);
    // Two TOP calls made for it: the one refused for its session, and the one with the rotated session.
    expect(shipped.body).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(parts.sim.stats().requests - requestsBefore).toBe(2);
    expect(fulfilCalls()).toHaveLength(1);
    expect(sm.calls(TOP_ID)).toBe(2);
  });

  it('is retried once after an IllegalAccessToken when the secret did change meanwhile', async () => {
    putSecrets();
    const stack = await deployed();
    expect((await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '6102' }) })).status).toBe(
      200,
    );

    putSecrets({ 'shop-1': SESSIONS.rotated });
    parts.sim.faults.set([{ type: 'error', code: 'IllegalAccessToken', msg: 'Invalid token', count: 1 }]);
    const shipped = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '6103' }) });

    expect(shipped.status).toBe(200);
    expect(fulfilCalls().map((call) => call.params.out_ref)).toEqual(['6102', '6103']);
    expect(sm.calls(TOP_ID)).toBe(2);
  });

  it('leaves the operation PENDING_RETRY (202, last_error auth) when the secret did not change, and the sweeper delivers once it does', async () => {
    putSecrets({ 'shop-1': EXPIRED_SESSION });
    const stack = await deployed();
    const requestsBefore = parts.sim.stats().requests;
    const pending = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '6104' }) });

    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({
      status: 'PENDING_RETRY',
      attempts: 1,
      last_error: { kind: 'auth', code: 'IllegalAccessToken' },
    });
    expect(parts.sim.stats().requests - requestsBefore).toBe(1);
    expect(sm.calls(TOP_ID)).toBe(2);
    expect(fulfilCalls()).toHaveLength(0);

    // The seller re-authorizes; the refetch allowance has come round again by the next attempt.
    putSecrets({ 'shop-1': SESSIONS.rotated });
    stack.clock.now += 120_000;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expect(fulfilCalls()).toHaveLength(1);
  });
});

describe('a rotated webhook signing secret', () => {
  it('is picked up after a signature mismatch, while forged deliveries cannot force more refetches', async () => {
    putSecrets();
    const stack = await deployed();
    expect((await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ROT-1' }) })).status).toBe(
      200,
    );
    expect(sm.calls(WMS_ID)).toBe(1);

    // The sender rotates: the new secret first, the old one kept while deliveries drain.
    sm.put(WMS_ID, `${NEXT_WEBHOOK_SECRET} ${WMS_SECRET}`);
    const signedWithNew = await stack.deliverWms(
      { delivery_order: deliveryOrder({ ticket_id: 'T-ROT-2' }) },
      { secret: NEXT_WEBHOOK_SECRET },
    );
    expect(signedWithNew.status).toBe(200);
    expect(sm.calls(WMS_ID)).toBe(2);

    const signedWithOld = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ROT-3' }) });
    expect(signedWithOld.status).toBe(200);
    const forged = await stack.deliverWms(
      { delivery_order: deliveryOrder({ ticket_id: 'T-ROT-4' }) },
      { secret: `whsec_${Buffer.from('forged').toString('base64')}` },
    );
    expect(forged.status).toBe(401);
    expect(sm.calls(WMS_ID)).toBe(2);
    expect(parts.sim.ledger.map((call) => call.params.ticket_id)).toEqual(['T-ROT-1', 'T-ROT-2', 'T-ROT-3']);
  });
});

describe('Secrets Manager unavailable', () => {
  const outage = (secretId?: string) => {
    const error = Object.assign(new Error('Service unavailable'), { name: 'InternalServiceError' });
    if (secretId) sm.mock.on(GetSecretValueCommand, { SecretId: secretId }).rejects(error);
    else sm.mock.on(GetSecretValueCommand).rejects(error);
  };

  it('answers 503 with Retry-After and stores nothing when the webhook secret cannot be read', async () => {
    outage();
    const stack = await deployed();
    const requestsBefore = parts.sim.stats().requests;
    const response = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-SM-DOWN' }) });

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toMatchObject({
      type: 'urn:top-webhooks:problem:dependency-unavailable',
      status: 503,
    });
    expect(await stack.items()).toHaveLength(0);
    expect(parts.sim.stats().requests).toBe(requestsBefore);

    // Back up: the sender's retry of the same delivery goes through.
    putSecrets();
    const retried = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-SM-DOWN' }) });
    expect(retried.status).toBe(200);
  });

  it('answers 503 with Retry-After and stores nothing when the seller’s credentials cannot be read before the claim', async () => {
    putSecrets();
    outage(TOP_ID);
    const stack = await deployed();
    const response = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '6201' }) });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(await stack.items()).toHaveLength(0);
    expect(parts.sim.ledger).toHaveLength(0);
  });

  it('keeps a claimed WMS event for retry (202, auth) when the app credentials cannot be read after the claim', async () => {
    putSecrets();
    outage(TOP_ID);
    const stack = await deployed();
    const response = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-SM-LATE' }) });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      status: 'PENDING_RETRY',
      attempts: 0,
      last_error: { kind: 'auth' },
    });
    expect(parts.sim.ledger).toHaveLength(0);

    putSecrets();
    stack.clock.now += 120_000;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expect(parts.sim.ledger).toHaveLength(1);
  });
});
