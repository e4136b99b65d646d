import { describe, expect, it } from 'vitest';
import { sign, signingString } from '#lib/top/sign.ts';

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

  it('signs raw UTF-8 values, not URL-encoded ones', () => {
    expect(signingString({ mail_company: '顺丰', q: 'a b&c' })).toBe('mail_company顺丰qa b&c');
  });
});
