import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WebhookSecretFormatError, WebhookVerificationError } from '#lib/webhooks/errors.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { type VerifyWebhookInput, verifyWebhook } from '#lib/webhooks/verify.ts';
import {
  NEXT_WEBHOOK_SECRET,
  NOW_MS,
  NOW_SECONDS,
  WEBHOOK_BODY,
  WEBHOOK_ID,
  WEBHOOK_SECRET,
} from '#test/helpers/webhook-fixtures.ts';

type Headers = Record<string, string | undefined>;

const signed = (overrides: Partial<Parameters<typeof signWebhook>[0]> = {}): Headers => ({
  ...signWebhook({
    id: WEBHOOK_ID,
    timestamp: NOW_SECONDS,
    body: WEBHOOK_BODY,
    secret: WEBHOOK_SECRET,
    ...overrides,
  }),
});

const verify = (headers: Headers, options: Partial<VerifyWebhookInput> = {}) =>
  verifyWebhook({ headers, rawBody: WEBHOOK_BODY, secrets: [WEBHOOK_SECRET], now: () => NOW_MS, ...options });

/** The reason a verification failed; anything but a WebhookVerificationError fails the test. */
const reasonOf = (headers: Headers, options: Partial<VerifyWebhookInput> = {}) => {
  try {
    verify(headers, options);
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  throw new Error('expected the verification to fail');
};

/** The `v1` signature value of a header, without its version. */
const signatureOf = (headers: Headers) => headers['webhook-signature']?.slice('v1,'.length) ?? '';

describe('verifyWebhook', () => {
  describe('accepts', () => {
    it('a delivery signed by the standardwebhooks library', () => {
      const signature = new Webhook(WEBHOOK_SECRET).sign(WEBHOOK_ID, new Date(NOW_MS), WEBHOOK_BODY);
      const headers = {
        'webhook-id': WEBHOOK_ID,
        'webhook-timestamp': String(NOW_SECONDS),
        'webhook-signature': signature,
      };

      expect(verify(headers)).toEqual({ id: WEBHOOK_ID, timestamp: NOW_SECONDS });
    });

    it('the raw bytes exactly as received', () => {
      const rawBody = new TextEncoder().encode(WEBHOOK_BODY);

      expect(verify(signed(), { rawBody })).toEqual({ id: WEBHOOK_ID, timestamp: NOW_SECONDS });
    });

    it.each([
      ['4m59s old', -299],
      ['4m59s ahead', 299],
      ['exactly 5 minutes old', -300],
    ])('a delivery %s', (_case, offset) => {
      expect(verify(signed({ timestamp: NOW_SECONDS + offset })).timestamp).toBe(NOW_SECONDS + offset);
    });

    it('several signatures where only the second matches (sender-side rotation)', () => {
      const stale = signatureOf(signed({ secret: NEXT_WEBHOOK_SECRET }));
      const headers = { ...signed(), 'webhook-signature': `v1,${stale} ${signed()['webhook-signature']}` };

      expect(verify(headers).id).toBe(WEBHOOK_ID);
    });

    it('several secrets where only the second matches (receiver-side rotation)', () => {
      expect(verify(signed(), { secrets: [NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET] }).id).toBe(WEBHOOK_ID);
    });

    it('a v1 signature next to versions it does not know', () => {
      const headers = {
        ...signed(),
        'webhook-signature': `v1a,c2lnbmF0dXJl ${signed()['webhook-signature']}`,
      };

      expect(verify(headers).id).toBe(WEBHOOK_ID);
    });
  });

  describe('refuses', () => {
    it.each([
      ['a changed body', { rawBody: WEBHOOK_BODY.replace('PACK_FINISH', 'PACK_FAIL') }, {}],
      ['a body with one more byte', { rawBody: `${WEBHOOK_BODY}\n` }, {}],
      ['a changed id', {}, { 'webhook-id': 'msg_other' }],
      ['a changed timestamp', {}, { 'webhook-timestamp': String(NOW_SECONDS - 1) }],
    ])('%s', (_case, options: Partial<VerifyWebhookInput>, headers: Headers) => {
      expect(reasonOf({ ...signed(), ...headers }, options)).toBe('no_matching_signature');
    });

    it('a signature made with a secret we do not hold', () => {
      expect(reasonOf(signed({ secret: NEXT_WEBHOOK_SECRET }))).toBe('no_matching_signature');
    });

    it.each([
      ['6 minutes old', -360, 'too_old'],
      ['6 minutes ahead', 360, 'too_new'],
      ['5m01s old', -301, 'too_old'],
    ])('a delivery %s', (_case, offset, reason) => {
      expect(reasonOf(signed({ timestamp: NOW_SECONDS + offset }))).toBe(reason);
    });

    it('a delivery outside a configured tolerance', () => {
      expect(reasonOf(signed({ timestamp: NOW_SECONDS - 61 }), { toleranceSeconds: 60 })).toBe('too_old');
    });

    it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('a delivery without %s', (name) => {
      expect(reasonOf({ ...signed(), [name]: undefined })).toBe('missing_headers');
      expect(reasonOf({ ...signed(), [name]: '' })).toBe('missing_headers');
    });

    it.each(['soon', '1795428000.5', '-1795428000', ' 1795428000', '1.7e9', '0x6b03e6a0', '9'.repeat(16)])(
      'the timestamp %j',
      (timestamp) => {
        expect(reasonOf({ ...signed(), 'webhook-timestamp': timestamp })).toBe('bad_timestamp');
      },
    );

    it('a valid signature offered under another version only', () => {
      const headers = { ...signed(), 'webhook-signature': `v1a,${signatureOf(signed())}` };

      expect(reasonOf(headers)).toBe('no_matching_signature');
    });

    it.each([
      'v1,!!!not base64!!!',
      'v1,',
      'v1',
      ',',
      ' ',
      `v1,${'A'.repeat(43)}=`,
      `v1,${'A'.repeat(1_000)}`,
      `v2,${'A'.repeat(43)}= v1 v1,,`,
    ])('the malformed signature header %j, cleanly', (signature) => {
      expect(reasonOf({ ...signed(), 'webhook-signature': signature })).toBe('no_matching_signature');
    });

    it('a signature whose base64 only decodes to the right bytes when read loosely', () => {
      // Node's base64 decoder skips characters outside the alphabet; we compare the text as sent.
      const loose = signatureOf(signed()).replace(/(.{10})/, '$1!');

      expect(reasonOf({ ...signed(), 'webhook-signature': `v1,${loose}` })).toBe('no_matching_signature');
    });
  });

  it('gives every failure the same message, so an answer helps no forger', () => {
    const failures = [
      () => verify({ ...signed(), 'webhook-id': undefined }),
      () => verify({ ...signed(), 'webhook-timestamp': 'soon' }),
      () => verify(signed({ timestamp: NOW_SECONDS - 3_600 })),
      () => verify(signed({ timestamp: NOW_SECONDS + 3_600 })),
      () => verify(signed({ secret: NEXT_WEBHOOK_SECRET })),
    ];
    const errors = failures.map((run) => {
      try {
        run();
      } catch (error) {
        return error as WebhookVerificationError;
      }
      throw new Error('expected the verification to fail');
    });

    expect(new Set(errors.map((error) => error.reason)).size).toBe(failures.length);
    expect(new Set(errors.map((error) => error.message))).toEqual(
      new Set(['webhook signature verification failed']),
    );
    expect(errors.every((error) => error.name === 'WebhookVerificationError')).toBe(true);
  });

  it('treats a malformed secret of ours as our fault, not the sender’s', () => {
    expect(() => verify(signed(), { secrets: ['not-a-secret'] })).toThrow(WebhookSecretFormatError);
    expect(() => verify(signed(), { secrets: [] })).toThrow(TypeError);
  });
});
