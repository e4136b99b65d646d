import { describe, expect, it } from 'vitest';
import { WebhookSecretFormatError } from '#lib/webhooks/errors.ts';
import { parseWebhookSecrets, webhookKey } from '#lib/webhooks/secrets.ts';
import { NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET } from '#test/helpers/webhook-fixtures.ts';

describe('parseWebhookSecrets', () => {
  it('reads a single secret', () => {
    expect(parseWebhookSecrets(WEBHOOK_SECRET)).toEqual([WEBHOOK_SECRET]);
  });

  it('reads several secrets separated by any whitespace, in order', () => {
    expect(parseWebhookSecrets(`  ${NEXT_WEBHOOK_SECRET}\n\t${WEBHOOK_SECRET}\n`)).toEqual([
      NEXT_WEBHOOK_SECRET,
      WEBHOOK_SECRET,
    ]);
  });

  it('accepts base64 with or without padding', () => {
    expect(parseWebhookSecrets('whsec_AAE= whsec_AAE whsec_AAECAw==')).toHaveLength(3);
  });

  it.each([
    ['an empty value', ''],
    ['only whitespace', ' \n\t '],
    ['a secret without the whsec_ prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['a bare prefix', 'whsec_'],
    ['characters outside base64', 'whsec_MfKQ9r8G-YqrTwjU_D8ILPZIo2La'],
    ['a base64 length no bytes can have', 'whsec_MfKQ9'],
    ['misplaced padding', 'whsec_AA=E'],
  ])('refuses %s', (_case, value) => {
    expect(() => parseWebhookSecrets(value)).toThrow(WebhookSecretFormatError);
  });

  it('names a bad entry by its position, never by its value', () => {
    const error = (() => {
      try {
        parseWebhookSecrets(`${WEBHOOK_SECRET} whsec_s3cr3t!value`);
      } catch (caught) {
        return caught as Error;
      }
    })();

    expect(error?.name).toBe('WebhookSecretFormatError');
    expect(error?.message).toContain('2 of 2');
    expect(error?.message).not.toContain('s3cr3t');
  });
});

describe('webhookKey', () => {
  it('is the base64-decoded part after the prefix', () => {
    expect(webhookKey('whsec_AAECAw==')).toEqual(Buffer.from([0, 1, 2, 3]));
  });
});
