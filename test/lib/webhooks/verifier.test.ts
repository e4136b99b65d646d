import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '#lib/credentials/errors.ts';
import { staticSecretSource } from '#lib/credentials/source.ts';
import { WebhookVerificationError } from '#lib/webhooks/errors.ts';
import { WebhookSecretsProvider } from '#lib/webhooks/secrets-provider.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { WebhookSignatureVerifier } from '#lib/webhooks/verifier.ts';
import { mockSecretsManager } from '#test/helpers/secrets-manager.ts';
import {
  NEXT_WEBHOOK_SECRET,
  NOW_MS,
  NOW_SECONDS,
  WEBHOOK_BODY,
  WEBHOOK_ID,
  WEBHOOK_SECRET,
} from '#test/helpers/webhook-fixtures.ts';

const ID = 'top-webhooks/wms-webhook-secret';
const sm = mockSecretsManager();
const bytes = new TextEncoder().encode(WEBHOOK_BODY);

const signedWith = (secret: string, timestamp = NOW_SECONDS) =>
  signWebhook({ id: WEBHOOK_ID, timestamp, body: WEBHOOK_BODY, secret });

/** A verifier over a fresh Secrets Manager source holding `stored`, and a clock the test moves. */
function setUp(stored: string) {
  sm.put(ID, stored);
  const clock = { now: NOW_MS };
  const verifier = new WebhookSignatureVerifier({
    secrets: new WebhookSecretsProvider({ source: sm.source(), secretId: ID }),
    now: () => clock.now,
  });
  return { verifier, clock };
}

describe('WebhookSignatureVerifier', () => {
  it('verifies deliveries against the stored secrets, fetched once within the max age', async () => {
    const { verifier } = setUp(WEBHOOK_SECRET);

    expect(await verifier.verify(signedWith(WEBHOOK_SECRET), bytes)).toEqual({
      id: WEBHOOK_ID,
      timestamp: NOW_SECONDS,
    });
    await verifier.verify(signedWith(WEBHOOK_SECRET), bytes);
    expect(sm.mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('picks up a rotated secret by refetching once after a failed verification', async () => {
    const { verifier } = setUp(WEBHOOK_SECRET);
    await verifier.verify(signedWith(WEBHOOK_SECRET), bytes);
    sm.put(ID, `${NEXT_WEBHOOK_SECRET} ${WEBHOOK_SECRET}`);

    expect((await verifier.verify(signedWith(NEXT_WEBHOOK_SECRET), bytes)).id).toBe(WEBHOOK_ID);
    expect(await verifier.verify(signedWith(WEBHOOK_SECRET), bytes)).toBeDefined();
    expect(sm.calls(ID)).toBe(2);
  });

  it('lets forged signatures force at most one refetch per interval', async () => {
    const { verifier, clock } = setUp(WEBHOOK_SECRET);
    const forged = signedWith(NEXT_WEBHOOK_SECRET);

    for (let i = 0; i < 50; i++) {
      await expect(verifier.verify(forged, bytes)).rejects.toBeInstanceOf(WebhookVerificationError);
    }
    expect(sm.calls(ID)).toBe(2);

    clock.now += 30_000;
    await expect(
      verifier.verify(signedWith(NEXT_WEBHOOK_SECRET, NOW_SECONDS + 30), bytes),
    ).rejects.toMatchObject({
      reason: 'no_matching_signature',
    });
    expect(sm.calls(ID)).toBe(3);
  });

  it.each([
    ['a stale timestamp', signedWith(NEXT_WEBHOOK_SECRET, NOW_SECONDS - 3_600), 'too_old'],
    ['missing headers', { 'webhook-id': WEBHOOK_ID }, 'missing_headers'],
  ])('does not refetch for %s, which newer secrets cannot cure', async (_case, headers, reason) => {
    const { verifier } = setUp(WEBHOOK_SECRET);

    await expect(verifier.verify(headers, bytes)).rejects.toMatchObject({ reason });
    expect(sm.calls(ID)).toBe(1);
  });

  it('answers SecretUnavailableError when Secrets Manager is down', async () => {
    sm.mock.on(GetSecretValueCommand, { SecretId: ID }).rejects(new Error('connect ECONNREFUSED'));
    const verifier = new WebhookSignatureVerifier({
      secrets: new WebhookSecretsProvider({ source: sm.source(), secretId: ID }),
    });

    await expect(verifier.verify(signedWith(WEBHOOK_SECRET), bytes)).rejects.toBeInstanceOf(
      SecretUnavailableError,
    );
  });

  it('works over local secrets held in memory', async () => {
    const verifier = new WebhookSignatureVerifier({
      secrets: new WebhookSecretsProvider({
        source: staticSecretSource({ wms: WEBHOOK_SECRET }),
        secretId: 'wms',
      }),
      now: () => NOW_MS,
    });

    expect((await verifier.verify(signedWith(WEBHOOK_SECRET), WEBHOOK_BODY)).id).toBe(WEBHOOK_ID);
    await expect(verifier.verify(signedWith(NEXT_WEBHOOK_SECRET), WEBHOOK_BODY)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });
});
