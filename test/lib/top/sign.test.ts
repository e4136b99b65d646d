import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iopSigningString, sign, signIop, signingString } from '#lib/top/sign.ts';
import { IOP_AUTH_VECTORS } from '#test/helpers/iop-vectors.ts';

// The vectors of the protocol notes: secret `helloworld` over taobao.item.seller.get.
const itemSellerGet = {
  app_key: '12345678',
  fields: 'num_iid,title,nick,price,num',
  format: 'json',
  method: 'taobao.item.seller.get',
  num_iid: '11223344',
  session: 'test',
  timestamp: '2016-01-01 12:00:00',
  v: '2.0',
};

describe('sign', () => {
  it.each([
    ['md5', '66987CB115214E59E6EC978214934FB8'],
    ['hmac', 'D56D7858309C31B6251083A874D48273'],
    ['hmac-sha256', '04DB15AD0774D5CFCE2C837DE43E3FCEA9011ED74F3038FB6AB5F3C4CEA119E8'],
  ] as const)('reproduces the published %s vector', (method, expected) => {
    expect(sign({ ...itemSellerGet, sign_method: method }, 'helloworld', method)).toBe(expected);
  });

  it('reproduces the second published md5 vector', () => {
    const params = {
      app_key: 'test',
      fields: 'nick',
      format: 'xml',
      method: 'taobao.user.seller.get',
      session: 'test',
      sign_method: 'md5',
      timestamp: '2013-05-06 13:52:03',
      v: '2.0',
    };
    expect(sign(params, 'test', 'md5')).toBe('72CB4D809B375A54502C09360D879C64');
  });

  it('leaves the sign param itself out and sorts keys by byte order', () => {
    expect(signingString({ b: '2', sign: 'X', a: '1', B: '3' })).toBe('B3a1b2');
  });

  it('orders keys past U+D7FF by their UTF-8 bytes, where UTF-16 order differs', () => {
    // U+FF21 (Ａ) is EF BC A1 in UTF-8, before 😀 (F0 9F 98 80); in UTF-16 it comes after (FF21 > D83D).
    expect(signingString({ '\uFF21': '1', '😀': '2', z: '3' })).toBe('z3\uFF211😀2');
  });

  it('signs raw UTF-8 values, not URL-encoded ones', () => {
    expect(signingString({ mail_company: '顺丰', q: 'a b&c' })).toBe('mail_company顺丰qa b&c');
  });
});

// The IOP vectors of the protocol notes (secret `helloworld`); a blank value is neither sent nor signed,
// so the callers drop it before signing, as the client does.
describe('signIop', () => {
  it('reproduces the published GOP vector (path /order/get)', () => {
    const params = {
      access_token: 'test',
      app_key: '123456',
      order_id: '1234',
      sign_method: 'sha256',
      timestamp: '1517820392000',
    };
    expect(signIop(params, 'helloworld', '/order/get')).toBe(
      '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    );
  });

  it('reproduces the /sync fulfil vector, path-less', () => {
    const params = {
      app_key: '12345678',
      method: 'aliexpress.solution.order.fulfill',
      v: '2.0',
      timestamp: '1764460800000',
      format: 'json',
      session: '50000900a12fd3Ac5aPabe7qh1sT',
      sign_method: 'sha256',
      partner_id: 'top-webhooks',
      service_name: 'EMS',
      out_ref: '8000000000001',
      send_type: 'all',
      logistics_no: 'LA123456789CN',
    };
    expect(signIop(params, 'helloworld')).toBe(
      'C9AAAFA820A79AE257D17AAD4BBC98AA56698227D8FAD981AEAB2C9EDDC114AA',
    );
  });

  it.each(IOP_AUTH_VECTORS)(
    'reproduces the %s vector, the path signed first',
    (path, name, value, expected) => {
      const params = {
        app_key: '12345678',
        timestamp: '1764460800000',
        sign_method: 'sha256',
        [name]: value,
        partner_id: 'top-webhooks',
      };
      expect(signIop(params, 'helloworld', path)).toBe(expected);
    },
  );

  it('sorts keys by UTF-16 code unit, leaves sign out and puts the path first', () => {
    expect(iopSigningString({ b: '2', sign: 'X', a: '1', B: '3', _: '4' }, '/p')).toBe('/pB3_4a1b2');
  });
});

// The rules as the protocol notes state them, written the plain way: what the signing strings must equal.
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const concatenatedBy = (order: (a: string, b: string) => number, params: Record<string, string>) =>
  Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort(order)
    .map((key) => key + params[key])
    .join('');

describe('the signing strings, against the rules written plainly', () => {
  const key = fc.oneof(
    fc.constantFrom('sign', 'method', 'app_key', 'timestamp', 'v', 'A', 'a', '_', '10', '9'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  );
  // Up to 40 keys: past 32 the keys are sorted by Array#sort rather than by insertion.
  const params = fc.dictionary(key, fc.string({ unit: 'binary', maxLength: 6 }), { maxKeys: 40 });

  it('orders the keys by their UTF-8 bytes for TOP', () => {
    fc.assert(
      fc.property(params, (fields) => {
        expect(signingString(fields)).toBe(concatenatedBy(byteOrder, fields));
      }),
      { numRuns: 1_000 },
    );
  });

  it('orders the keys by UTF-16 code unit for IOP, the path first', () => {
    fc.assert(
      fc.property(params, (fields) => {
        expect(iopSigningString(fields, '/p')).toBe(`/p${concatenatedBy(codeUnitOrder, fields)}`);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps plain order for ASCII keys whose values reach past U+D7FF', () => {
    expect(signingString({ b: '😀', a: '\uFF21', c: 'x' })).toBe('a\uFF21b😀cx');
  });
});
