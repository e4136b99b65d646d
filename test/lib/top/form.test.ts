import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formEncoded } from '#lib/top/form.ts';

const asUrlSearchParams = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

// Any UTF-16 unit, lone surrogates included, with the ASCII a form treats specially made likely.
const unit = fc.oneof(
  fc.constantFrom(' ', '!', "'", '(', ')', '~', '*', '-', '.', '_', '%', '&', '=', '+', '"', '{', ':'),
  fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('é', '顺丰', '😀', '\uD83D', '\uDE00'),
);
const text = fc.string({ unit, maxLength: 12 });

describe('formEncoded', () => {
  it('writes what URLSearchParams writes for a signed call', () => {
    const fields = {
      method: 'tmall.ovs.delivery.order.info.send',
      app_key: '12345678',
      timestamp: '2026-11-23 10:00:00',
      v: '2.0',
      sign_method: 'hmac-sha256',
      format: 'json',
      param: '{"ticket_id":"T-1","mail_company":"顺丰","weight":2300}',
      sign: 'C548CC51A09A6C0B48369312CD771E113DC670DE986D80BD3A5FD6D5AB1EFF17',
    };
    expect(formEncoded(fields)).toBe(asUrlSearchParams(fields));
  });

  it.each([
    ['the characters a form escapes and encodeURIComponent keeps', { q: "!'()~" }, 'q=%21%27%28%29%7E'],
    ['a space as +, and the characters kept whole', { 'a b': '*-._ +' }, 'a+b=*-._+%2B'],
    ['2-, 3- and 4-byte UTF-8', { é: '顺😀' }, '%C3%A9=%E9%A1%BA%F0%9F%98%80'],
    ['empty names and values', { '': '' }, '='],
    ['no fields', {}, ''],
  ])('writes %s', (_what, fields: Record<string, string>, expected) => {
    expect(formEncoded(fields)).toBe(expected);
    expect(formEncoded(fields)).toBe(asUrlSearchParams(fields));
  });

  it('keeps the order JavaScript enumerates the names in, array indexes first', () => {
    const fields = { b: '1', 10: 'x', a: '2', 2: 'y' };
    expect(formEncoded(fields)).toBe('2=y&10=x&b=1&a=2');
  });

  it('writes a lone surrogate as U+FFFD, as URLSearchParams does, and so merges the names it makes equal', () => {
    const fields = { '\uD800': 'high', '\uDC00': 'low', v: 'a\uD83Db' };
    expect(formEncoded(fields)).toBe(asUrlSearchParams(fields));
    expect(formEncoded(fields)).toBe('%EF%BF%BD=low&v=a%EF%BF%BDb');
  });

  it('writes a form longer than its first scratch buffer', () => {
    const fields = { param: '中'.repeat(3_000), other: 'x'.repeat(5_000) };
    expect(formEncoded(fields)).toBe(asUrlSearchParams(fields));
  });

  it('writes what URLSearchParams writes for any fields', () => {
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 6 }), (fields) => {
        expect(formEncoded(fields)).toBe(asUrlSearchParams(fields));
      }),
      { numRuns: 2_000 },
    );
  });
});
