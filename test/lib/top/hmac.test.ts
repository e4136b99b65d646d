import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HmacDigest, hmacHex } from '#lib/top/hmac.ts';

const expected = (digest: HmacDigest, secret: string, text: string) =>
  createHmac(digest, secret).update(text, 'utf8').digest('hex');

const DIGESTS: readonly HmacDigest[] = ['sha256', 'md5'];

describe.each(DIGESTS)('hmacHex with %s', (digest) => {
  it.each([
    ['an app secret', 'local-top-app-secret'],
    ['no secret', ''],
    ['a secret of exactly one block', 'k'.repeat(64)],
    ['a secret longer than a block (hashed first)', 'k'.repeat(65)],
    ['a secret past ASCII', 'clé-secrète'],
    ['a secret with a lone surrogate', 'a\uD800b'],
  ])('gives what createHmac gives for %s', (_what, secret) => {
    for (const text of ['', 'app_key12345678formatjson', '顺丰 😀', 'a\uDC00b']) {
      expect(hmacHex(digest, secret, text)).toBe(expected(digest, secret, text));
    }
  });

  it('keeps each secret apart, however many are met and in whatever order', () => {
    const secrets = Array.from({ length: 40 }, (_, i) => `secret-${i}`);
    for (const round of [0, 1]) {
      for (const secret of round === 0 ? secrets : [...secrets].reverse()) {
        expect(hmacHex(digest, secret, secret)).toBe(expected(digest, secret, secret));
      }
    }
  });

  it('gives what createHmac gives for any secret and text', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 80 });
    const asciiSecret = fc.string({ unit: 'binary-ascii', maxLength: 70 });
    fc.assert(
      fc.property(fc.oneof(asciiSecret, anyText), anyText, (secret, text) => {
        expect(hmacHex(digest, secret, text)).toBe(expected(digest, secret, text));
      }),
      { numRuns: 500 },
    );
  });
});
