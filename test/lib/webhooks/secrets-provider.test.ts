import { describe, expect, it } from 'vitest';
import { SecretFormatError } from '#lib/credentials/errors.ts';
import { WebhookSecretFormatError } from '#lib/webhooks/errors.ts';
import { WebhookSecretsProvider } from '#lib/webhooks/secrets-provider.ts';
import { mockSecretsManager } from '#test/helpers/secrets-manager.ts';
import { NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET } from '#test/helpers/webhook-fixtures.ts';

const ID = 'top-webhooks/storefront-webhook-secret';
const sm = mockSecretsManager();

describe('WebhookSecretsProvider', () => {
  it('reads every secret of the stored value, cached', async () => {
    sm.put(ID, `${NEXT_WEBHOOK_SECRET} ${WEBHOOK_SECRET}`);
    const secrets = new WebhookSecretsProvider({ source: sm.source(), secretId: ID });

    expect(await secrets.get()).toEqual([NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET]);
    expect(await secrets.get()).toEqual([NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET]);
    expect(sm.calls(ID)).toBe(1);
  });

  it('asks Secrets Manager again when forced', async () => {
    sm.put(ID, WEBHOOK_SECRET);
    const secrets = new WebhookSecretsProvider({ source: sm.source(), secretId: ID });
    await secrets.get();
    sm.put(ID, NEXT_WEBHOOK_SECRET);

    expect(await secrets.get({ forceFetch: true })).toEqual([NEXT_WEBHOOK_SECRET]);
    expect(sm.calls(ID)).toBe(2);
  });

  it('reports a malformed value as SecretFormatError naming the secret, not showing it', async () => {
    sm.put(ID, `${WEBHOOK_SECRET} s3cr3t-without-prefix`);
    const secrets = new WebhookSecretsProvider({ source: sm.source(), secretId: ID });

    const error = await secrets.get().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretFormatError);
    expect(error).toMatchObject({ secretId: ID });
    expect((error as Error).cause).toBeInstanceOf(WebhookSecretFormatError);
    expect((error as Error).message).toContain('2 of 2');
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
