import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signWebhook } from '#lib/webhooks/sign.ts';
import {
  NOW_MS,
  NOW_SECONDS,
  WEBHOOK_BODY,
  WEBHOOK_ID,
  WEBHOOK_SECRET,
} from '#test/helpers/webhook-fixtures.ts';

const input = { id: WEBHOOK_ID, timestamp: NOW_SECONDS, body: WEBHOOK_BODY, secret: WEBHOOK_SECRET };

afterEach(() => {
  vi.useRealTimers();
});

describe('signWebhook', () => {
  it('makes the signature the standardwebhooks library makes', () => {
    const theirs = new Webhook(WEBHOOK_SECRET).sign(WEBHOOK_ID, new Date(NOW_MS), WEBHOOK_BODY);

    expect(signWebhook(input)).toEqual({
      'webhook-id': WEBHOOK_ID,
      'webhook-timestamp': String(NOW_SECONDS),
      'webhook-signature': theirs,
    });
  });

  it('signs deliveries the standardwebhooks library accepts', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW_MS });
    const headers = signWebhook(input);

    expect(new Webhook(WEBHOOK_SECRET).verify(WEBHOOK_BODY, { ...headers })).toEqual(
      JSON.parse(WEBHOOK_BODY),
    );
  });

  it('signs the UTF-8 bytes of a text body and the same bytes alike', () => {
    const bytes = new TextEncoder().encode(WEBHOOK_BODY);

    expect(signWebhook({ ...input, body: bytes })).toEqual(signWebhook(input));
  });

  it.each([1.5, -1, Number.NaN])('refuses the timestamp %s', (timestamp) => {
    expect(() => signWebhook({ ...input, timestamp })).toThrow(RangeError);
  });
});
