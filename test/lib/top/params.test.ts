import { describe, expect, it } from 'vitest';
import { encodeParams, toSnakeCase, toWireJson } from '#lib/top/params.ts';

describe('encodeParams', () => {
  it('drops null, undefined, empty and whitespace-only values', () => {
    expect(
      encodeParams({ a: null, b: undefined, c: '', d: '   ', e: '\t\r\n', kept: 'x', alsoKept: ' y ' }),
    ).toEqual({ kept: 'x', also_kept: ' y ' });
  });

  it('sends strings verbatim, raw UTF-8 included', () => {
    expect(encodeParams({ mail_company: '顺丰', q: 'a b&c=d' })).toEqual({
      mail_company: '顺丰',
      q: 'a b&c=d',
    });
  });

  it('sends numbers bare, zero included', () => {
    expect(encodeParams({ n: 42, zero: 0, negative: -1.5, big: 2040 })).toEqual({
      n: '42',
      zero: '0',
      negative: '-1.5',
      big: '2040',
    });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses the number %s', (n) => {
    expect(() => encodeParams({ n })).toThrow(TypeError);
  });

  it('sends booleans as true/false, false included', () => {
    expect(encodeParams({ yes: true, no: false })).toEqual({ yes: 'true', no: 'false' });
  });

  it('sends bigints as their exact digits', () => {
    expect(encodeParams({ id: 9007199254740993n })).toEqual({ id: '9007199254740993' });
  });

  it('sends a Date as a GMT+8 timestamp', () => {
    expect(encodeParams({ start_time: new Date('2025-12-31T16:30:00Z') })).toEqual({
      start_time: '2026-01-01 00:30:00',
    });
  });

  it('names params in snake_case', () => {
    expect(encodeParams({ trackingWebsite: 'www.17track.com', out_ref: '888877779999' })).toEqual({
      tracking_website: 'www.17track.com',
      out_ref: '888877779999',
    });
  });

  it('sends an object param as ONE JSON string field', () => {
    expect(encodeParams({ param1: { logistics_order_id: 'BP10000000018002' } })).toEqual({
      param1: '{"logistics_order_id":"BP10000000018002"}',
    });
  });

  it('writes object params with snake_case keys, no nulls at any depth, plain arrays, GMT+8 dates', () => {
    const fields = encodeParams({
      param: {
        ticketId: 'T42353535',
        platformOrderId: null,
        mailNo: undefined,
        mailCompany: '顺丰',
        weight: 2300,
        goodsList: [{ skuName: '测试商品', quantity: 3, orderId: null, skuCode: undefined }],
        packageList: [{ outerPackageId: '12345678', originPackageMailNos: ['YT0001', 'YT0002'] }],
        serviceFulfilResult: [{ picUrls: [], resultFail: false, subTicketId: 1, failMsg: null }],
        packedAt: new Date('2025-12-31T16:30:00Z'),
      },
    });
    expect(Object.keys(fields)).toEqual(['param']);
    expect(fields.param).toBe(
      '{"ticket_id":"T42353535","mail_company":"顺丰","weight":2300,' +
        '"goods_list":[{"sku_name":"测试商品","quantity":3}],' +
        '"package_list":[{"outer_package_id":"12345678","origin_package_mail_nos":["YT0001","YT0002"]}],' +
        '"service_fulfil_result":[{"pic_urls":[],"result_fail":false,"sub_ticket_id":1}],' +
        '"packed_at":"2026-01-01 00:30:00"}',
    );
  });

  it('sends an array param as a plain JSON array', () => {
    expect(encodeParams({ mail_nos: ['a', 'b'] })).toEqual({ mail_nos: '["a","b"]' });
  });

  it.each([
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
  ])('refuses %s', (_what, value) => {
    expect(() => encodeParams({ value })).toThrow(TypeError);
  });
});

describe('toWireJson', () => {
  it('leaves null items out of arrays and keeps everything else in order', () => {
    expect(toWireJson([1, null, 'a', undefined, false])).toEqual([1, 'a', false]);
  });

  it('turns nested bigints into exact digit strings', () => {
    expect(toWireJson({ tradeOrderId: 9007199254740993n })).toEqual({ trade_order_id: '9007199254740993' });
  });
});

describe('toSnakeCase', () => {
  it.each([
    ['outerPackageId', 'outer_package_id'],
    ['originPackageMailNos', 'origin_package_mail_nos'],
    ['serviceFulfilResult', 'service_fulfil_result'],
    ['picUrls', 'pic_urls'],
    ['subTicketId', 'sub_ticket_id'],
    ['ticketID', 'ticket_id'],
    ['HTMLParser', 'html_parser'],
    ['param1', 'param1'],
    ['logistics_order_id', 'logistics_order_id'],
    ['status', 'status'],
  ])('%s → %s', (name, expected) => {
    expect(toSnakeCase(name)).toBe(expected);
  });
});
