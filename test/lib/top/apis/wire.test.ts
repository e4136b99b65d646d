import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { type TopApi, toTopParams, validateTopRequest } from '#lib/top/apis/api.ts';
import { fulfillOrderApi } from '#lib/top/apis/fulfill-order.ts';
import { queryLogisticsOrderApi } from '#lib/top/apis/query-logistics-order.ts';
import { sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient, type TopClientConfig } from '#lib/top/client.ts';
import { encodeParams } from '#lib/top/params.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { fulfilPageExample } from '#test/helpers/api-examples.ts';
import { IOP_AUTH_VECTORS } from '#test/helpers/iop-vectors.ts';

// 02:00 UTC is 10:00 in China: every golden below carries timestamp=2026-11-23 10:00:00.
const fixedEpochMs = Date.parse('2026-11-23T02:00:00Z');
const seller: TopCredentials = { appKey: '12345678', appSecret: 'helloworld', session: 'test-session' };
const warehouse: TopCredentials = { appKey: '12345678', appSecret: 'helloworld' };

// The TOP protocol's golden forms: AliExpress' APIs too, as sent with AE_PROTOCOL=top. The IOP forms
// are at the end.
const newClient = (config: Partial<TopClientConfig> = {}) =>
  new TopClient({
    gatewayUrl: 'http://127.0.0.1:1/router/rest',
    aeProtocol: 'top',
    now: () => fixedEpochMs,
    ...config,
  });

/** The form fields one attempt of `api` sends for `input`, exactly as the client builds them. */
function wire<Request extends z.ZodMiniType, Response extends z.ZodMiniType>(
  api: TopApi<Request, Response>,
  input: unknown,
  credentials: TopCredentials,
  client = newClient(),
): URLSearchParams {
  return client.signedFields(
    api.method,
    encodeParams(toTopParams(api, validateTopRequest(api, input))),
    credentials,
  );
}

/** The protocol's signing string, rebuilt here: every field but sign, keys in byte order, key+value. */
function concatenated(fields: URLSearchParams): string {
  return [...fields]
    .filter(([key]) => key !== 'sign')
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
    .map(([key, value]) => key + value)
    .join('');
}

/** The protocol's three signatures, computed with node:crypto alone. */
const signatures = {
  md5: (secret: string, text: string) =>
    createHash('md5')
      .update(secret + text + secret, 'utf8')
      .digest('hex')
      .toUpperCase(),
  hmac: (secret: string, text: string) =>
    createHmac('md5', secret).update(text, 'utf8').digest('hex').toUpperCase(),
  'hmac-sha256': (secret: string, text: string) =>
    createHmac('sha256', secret).update(text, 'utf8').digest('hex').toUpperCase(),
} as const;

describe('aliexpress.solution.order.fulfill on the wire', () => {
  const pageExample = fulfilPageExample;

  it('matches the golden form, flat params beside the system params, session included', () => {
    expect(wire(fulfillOrderApi, pageExample, seller).toString()).toBe(
      'method=aliexpress.solution.order.fulfill&app_key=12345678&timestamp=2026-11-23+10%3A00%3A00&v=2.0' +
        '&sign_method=hmac-sha256&format=json' +
        '&service_name=EMS&tracking_website=www.17track.com&out_ref=888877779999&send_type=part' +
        '&description=memo&logistics_no=LA88887777CN' +
        '&session=test-session' +
        '&sign=C548CC51A09A6C0B48369312CD771E113DC670DE986D80BD3A5FD6D5AB1EFF17',
    );
  });

  it('signs the byte-sorted concatenation with HMAC-SHA256', () => {
    const fields = wire(fulfillOrderApi, pageExample, seller);
    const expected =
      'app_key12345678descriptionmemoformatjsonlogistics_noLA88887777CN' +
      'methodaliexpress.solution.order.fulfillout_ref888877779999' +
      'send_typepartservice_nameEMSsessiontest-sessionsign_methodhmac-sha256' +
      'timestamp2026-11-23 10:00:00tracking_websitewww.17track.comv2.0';
    expect(concatenated(fields)).toBe(expected);
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', expected));
  });

  it.each(['md5', 'hmac'] as const)('signs with %s when the credentials ask for it', (signMethod) => {
    const fields = wire(fulfillOrderApi, pageExample, { ...seller, signMethod });
    expect(fields.get('sign_method')).toBe(signMethod);
    expect(concatenated(fields)).toContain(`sign_method${signMethod}timestamp`);
    expect(fields.get('sign')).toBe(signatures[signMethod]('helloworld', concatenated(fields)));
  });

  it('lets the credentials override the sign method of the client', () => {
    const fields = wire(
      fulfillOrderApi,
      pageExample,
      { ...seller, signMethod: 'hmac' },
      newClient({ signMethod: 'md5' }),
    );
    expect(fields.get('sign_method')).toBe('hmac');
    expect(fields.get('sign')).toBe(signatures.hmac('helloworld', concatenated(fields)));
  });

  it('leaves out optional fields that are not given', () => {
    const { tracking_website: _website, description: _description, ...required } = pageExample;
    const fields = wire(fulfillOrderApi, required, seller);
    expect([...fields.keys()]).toEqual([
      'method',
      'app_key',
      'timestamp',
      'v',
      'sign_method',
      'format',
      'service_name',
      'out_ref',
      'send_type',
      'logistics_no',
      'session',
      'sign',
    ]);
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', concatenated(fields)));
  });

  it('sends and signs simplify=true when the client asks for simplified bodies', () => {
    const fields = wire(fulfillOrderApi, pageExample, seller, newClient({ simplify: true }));
    expect(fields.get('simplify')).toBe('true');
    expect(concatenated(fields)).toContain('simplifytrue');
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', concatenated(fields)));
  });
});

describe('aliexpress.local.logistics.order.info.query on the wire', () => {
  const pageExample = { logistics_order_id: 'BP10000000018002' };

  it('matches the golden form, param1 as one JSON string, session included', () => {
    expect(wire(queryLogisticsOrderApi, pageExample, seller).toString()).toBe(
      'method=aliexpress.local.logistics.order.info.query&app_key=12345678&timestamp=2026-11-23+10%3A00%3A00' +
        '&v=2.0&sign_method=hmac-sha256&format=json' +
        '&param1=%7B%22logistics_order_id%22%3A%22BP10000000018002%22%7D' +
        '&session=test-session' +
        '&sign=D3D6179E680A548A4378AF6C1A6E913D8AE6E256922F19D883778FDD4E7204BE',
    );
  });

  it('signs the byte-sorted concatenation with HMAC-SHA256, the JSON string as it is sent', () => {
    const fields = wire(queryLogisticsOrderApi, pageExample, seller);
    const expected =
      'app_key12345678formatjsonmethodaliexpress.local.logistics.order.info.query' +
      'param1{"logistics_order_id":"BP10000000018002"}' +
      'sessiontest-sessionsign_methodhmac-sha256timestamp2026-11-23 10:00:00v2.0';
    expect(fields.get('param1')).toBe('{"logistics_order_id":"BP10000000018002"}');
    expect(concatenated(fields)).toBe(expected);
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', expected));
  });

  it.each(['md5', 'hmac'] as const)('signs with %s when the credentials ask for it', (signMethod) => {
    const fields = wire(queryLogisticsOrderApi, pageExample, { ...seller, signMethod });
    expect(fields.get('sign_method')).toBe(signMethod);
    expect(fields.get('sign')).toBe(signatures[signMethod]('helloworld', concatenated(fields)));
  });
});

describe('tmall.ovs.delivery.order.info.send on the wire', () => {
  // The page's sample, with its placeholders made valid: arrays as arrays, real parcel weight.
  const deliveryOrder = {
    open_user_id: '335e5tfg43535',
    platform_order_id: '43546574633',
    ticket_id: 'T42353535',
    status: 'ISSUE_SUCCEEDED',
    mail_no: 'SF1234567890',
    mail_company: '顺丰',
    end_mail_no: 'VL924523452',
    length: 45,
    width: 64,
    height: 34,
    weight: 2300,
    goods_list: [
      {
        sku_name: '测试商品',
        quantity: 3,
        sku_code: '535253252',
        length: 32,
        width: 32,
        height: 44,
        weight: 120,
      },
    ],
    package_list: [
      {
        origin_package_mail_nos: ['YT0001', 'YT0002'],
        mail_no: '756444',
        outer_package_id: '12345678',
        length: 20,
        width: 20,
        height: 20,
        weight: 1000,
        status: 'ISSUE_SUCCEEDED',
      },
    ],
    service_fulfil_result: [
      {
        service_code: 'AS53',
        pic_urls: ['url1', 'url2'],
        remark: '木架加固',
        length: 2400,
        width: 2400,
        height: 2400,
        weight: 2500,
        charge_type: 'volumeWeight',
        sub_ticket_id: 5353523,
        result_fail: false,
      },
    ],
    other_fee: 2040,
    other_fee_desc: '木架费',
  };

  // snake_case names of the page, numbers bare, lists as plain arrays, raw UTF-8 (no \u escapes).
  const paramJson =
    '{"open_user_id":"335e5tfg43535","platform_order_id":"43546574633","ticket_id":"T42353535",' +
    '"status":"ISSUE_SUCCEEDED","mail_no":"SF1234567890","mail_company":"顺丰","end_mail_no":"VL924523452",' +
    '"length":45,"width":64,"height":34,"weight":2300,' +
    '"goods_list":[{"sku_name":"测试商品","quantity":3,"sku_code":"535253252",' +
    '"length":32,"width":32,"height":44,"weight":120}],' +
    '"package_list":[{"origin_package_mail_nos":["YT0001","YT0002"],"mail_no":"756444",' +
    '"outer_package_id":"12345678","length":20,"width":20,"height":20,"weight":1000,"status":"ISSUE_SUCCEEDED"}],' +
    '"service_fulfil_result":[{"service_code":"AS53","pic_urls":["url1","url2"],"remark":"木架加固",' +
    '"length":2400,"width":2400,"height":2400,"weight":2500,"charge_type":"volumeWeight",' +
    '"sub_ticket_id":5353523,"result_fail":false}],' +
    '"other_fee":2040,"other_fee_desc":"木架费"}';

  it('matches the golden form: param as one URL-encoded UTF-8 JSON string, no session', () => {
    expect(wire(sendDeliveryOrderApi, deliveryOrder, warehouse).toString()).toBe(
      'method=tmall.ovs.delivery.order.info.send&app_key=12345678&timestamp=2026-11-23+10%3A00%3A00' +
        '&v=2.0&sign_method=hmac-sha256&format=json' +
        '&param=%7B%22open_user_id%22%3A%22335e5tfg43535%22%2C%22platform_order_id%22%3A%2243546574633%22' +
        '%2C%22ticket_id%22%3A%22T42353535%22%2C%22status%22%3A%22ISSUE_SUCCEEDED%22' +
        '%2C%22mail_no%22%3A%22SF1234567890%22' +
        // 顺丰 = U+987A U+4E30 = E9 A1 BA, E4 B8 B0 in UTF-8.
        '%2C%22mail_company%22%3A%22%E9%A1%BA%E4%B8%B0%22' +
        '%2C%22end_mail_no%22%3A%22VL924523452%22' +
        '%2C%22length%22%3A45%2C%22width%22%3A64%2C%22height%22%3A34%2C%22weight%22%3A2300' +
        // 测试商品
        '%2C%22goods_list%22%3A%5B%7B%22sku_name%22%3A%22%E6%B5%8B%E8%AF%95%E5%95%86%E5%93%81%22' +
        '%2C%22quantity%22%3A3%2C%22sku_code%22%3A%22535253252%22' +
        '%2C%22length%22%3A32%2C%22width%22%3A32%2C%22height%22%3A44%2C%22weight%22%3A120%7D%5D' +
        '%2C%22package_list%22%3A%5B%7B%22origin_package_mail_nos%22%3A%5B%22YT0001%22%2C%22YT0002%22%5D' +
        '%2C%22mail_no%22%3A%22756444%22%2C%22outer_package_id%22%3A%2212345678%22' +
        '%2C%22length%22%3A20%2C%22width%22%3A20%2C%22height%22%3A20%2C%22weight%22%3A1000' +
        '%2C%22status%22%3A%22ISSUE_SUCCEEDED%22%7D%5D' +
        '%2C%22service_fulfil_result%22%3A%5B%7B%22service_code%22%3A%22AS53%22' +
        '%2C%22pic_urls%22%3A%5B%22url1%22%2C%22url2%22%5D' +
        // 木架加固
        '%2C%22remark%22%3A%22%E6%9C%A8%E6%9E%B6%E5%8A%A0%E5%9B%BA%22' +
        '%2C%22length%22%3A2400%2C%22width%22%3A2400%2C%22height%22%3A2400%2C%22weight%22%3A2500' +
        '%2C%22charge_type%22%3A%22volumeWeight%22%2C%22sub_ticket_id%22%3A5353523%2C%22result_fail%22%3Afalse%7D%5D' +
        // 木架费
        '%2C%22other_fee%22%3A2040%2C%22other_fee_desc%22%3A%22%E6%9C%A8%E6%9E%B6%E8%B4%B9%22%7D' +
        '&sign=13EC07FE59CC32B260E03D5FAEEB84015662BF77BF07E05A06FFC3A892253BC4',
    );
  });

  it('sends the param object as the JSON the page describes', () => {
    expect(wire(sendDeliveryOrderApi, deliveryOrder, warehouse).get('param')).toBe(paramJson);
  });

  it('signs the raw UTF-8 JSON, not its URL encoding', () => {
    const fields = wire(sendDeliveryOrderApi, deliveryOrder, warehouse);
    const expected =
      'app_key12345678formatjsonmethodtmall.ovs.delivery.order.info.send' +
      `param${paramJson}` +
      'sign_methodhmac-sha256timestamp2026-11-23 10:00:00v2.0';
    expect(concatenated(fields)).toBe(expected);
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', expected));
  });

  it('carries no session field when the credentials have none', () => {
    const fields = wire(sendDeliveryOrderApi, deliveryOrder, warehouse);
    expect(fields.has('session')).toBe(false);
    expect([...fields.keys()]).toEqual([
      'method',
      'app_key',
      'timestamp',
      'v',
      'sign_method',
      'format',
      'param',
      'sign',
    ]);
  });

  it('carries no session field for a whitespace-only session', () => {
    expect(wire(sendDeliveryOrderApi, deliveryOrder, { ...warehouse, session: '  ' }).has('session')).toBe(
      false,
    );
  });

  it.each(['md5', 'hmac'] as const)('signs with %s when the credentials ask for it', (signMethod) => {
    const fields = wire(sendDeliveryOrderApi, deliveryOrder, { ...warehouse, signMethod });
    expect(fields.get('sign_method')).toBe(signMethod);
    expect(fields.get('sign')).toBe(signatures[signMethod]('helloworld', concatenated(fields)));
  });
});

describe('the session field', () => {
  it.each([
    [
      fulfillOrderApi.method,
      () =>
        wire(
          fulfillOrderApi,
          { service_name: 'EMS', out_ref: '1', send_type: 'all', logistics_no: 'LA1' },
          seller,
        ),
    ],
    [
      queryLogisticsOrderApi.method,
      () => wire(queryLogisticsOrderApi, { logistics_order_id: 'BP1' }, seller),
    ],
  ])('is sent and signed for the seller API %s', (_method, build) => {
    const fields = build();
    expect(fields.get('session')).toBe('test-session');
    expect(concatenated(fields)).toContain('sessiontest-session');
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', concatenated(fields)));
  });
});

describe('the API helpers', () => {
  it('validate and encode a concrete API', () => {
    const input = { logistics_order_id: 'BP10000000018002' };
    const request = validateTopRequest(queryLogisticsOrderApi, input);
    expect(toTopParams(queryLogisticsOrderApi, request)).toEqual({ param1: input });
  });
});

// The vectors of the IOP notes: app 12345678, secret `helloworld`, 2025-11-30T00:00:00Z.
describe('the IOP wire', () => {
  const iopClient = (config: Partial<TopClientConfig> = {}) =>
    new TopClient({
      gatewayUrl: 'http://127.0.0.1:1/router/rest',
      aeGatewayUrl: 'http://127.0.0.1:1',
      partnerId: 'top-webhooks',
      now: () => 1764460800000,
      ...config,
    });
  const app: TopCredentials = { appKey: '12345678', appSecret: 'helloworld' };

  it('signs a /sync fulfilment as the vector does: epoch-ms timestamp, sha256, the blank description dropped', () => {
    const fields = wire(
      fulfillOrderApi,
      {
        service_name: 'EMS',
        out_ref: '8000000000001',
        send_type: 'all',
        logistics_no: 'LA123456789CN',
        description: ' ',
      },
      { ...app, session: '50000900a12fd3Ac5aPabe7qh1sT', signMethod: 'md5' },
      iopClient(),
    );

    expect(Object.fromEntries(fields)).toEqual({
      method: 'aliexpress.solution.order.fulfill',
      app_key: '12345678',
      timestamp: '1764460800000',
      v: '2.0',
      sign_method: 'sha256',
      format: 'json',
      service_name: 'EMS',
      out_ref: '8000000000001',
      send_type: 'all',
      logistics_no: 'LA123456789CN',
      session: '50000900a12fd3Ac5aPabe7qh1sT',
      partner_id: 'top-webhooks',
      sign: 'C9AAAFA820A79AE257D17AAD4BBC98AA56698227D8FAD981AEAB2C9EDDC114AA',
    });
  });

  it('sends the query over IOP with param1 as one JSON string, signed the same way', () => {
    const fields = wire(
      queryLogisticsOrderApi,
      { logistics_order_id: 'BP1' },
      { ...app, session: 's' },
      iopClient(),
    );
    expect(fields.get('param1')).toBe('{"logistics_order_id":"BP1"}');
    expect(fields.get('sign_method')).toBe('sha256');
    const text = [...fields]
      .filter(([key]) => key !== 'sign')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => key + value)
      .join('');
    expect(fields.get('sign')).toBe(signatures['hmac-sha256']('helloworld', text));
  });

  it('keeps the Tmall API on the TOP wire whatever AliExpress uses', () => {
    const fields = wire(sendDeliveryOrderApi, { ticket_id: 'T1', status: 'PACK_FINISH' }, app, iopClient());
    expect(fields.get('timestamp')).toBe('2025-11-30 08:00:00');
    expect(fields.get('sign_method')).toBe('hmac-sha256');
  });

  it.each(IOP_AUTH_VECTORS)('signs %s with its path, as the vector does', (path, name, value, expected) => {
    const fields = iopClient().signedRestFields(path, { [name]: value }, app);
    expect(Object.fromEntries(fields)).toEqual({
      app_key: '12345678',
      timestamp: '1764460800000',
      sign_method: 'sha256',
      [name]: value,
      partner_id: 'top-webhooks',
      sign: expected,
    });
  });
});
