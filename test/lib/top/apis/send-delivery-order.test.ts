import { describe, expect, it } from 'vitest';
import { validateTopRequest } from '#lib/top/apis/api.ts';
import {
  CHARGE_TYPES,
  DELIVERY_ERROR_CODES,
  DELIVERY_STATUSES,
  DeliveryOrderSendResponse,
  PACKAGE_STATUSES,
  sendDeliveryOrderApi,
} from '#lib/top/apis/send-delivery-order.ts';
import { requestIssues } from '#test/helpers/validation.ts';

const issuesOf = (input: unknown) => requestIssues(sendDeliveryOrderApi, input);

const pathsOf = (input: unknown) => issuesOf(input).map((issue) => issue.path);

// The smallest valid request: a work order by its ticket id.
const minimal = { ticket_id: 'T42353535' };

// The page's Java sample, with its placeholders made valid (arrays as arrays).
const pageSample = {
  open_user_id: '335e5tfg43535',
  platform_order_id: '43546574633',
  status: 'ISSUE_SUCCEEDED',
  mail_no: '-',
  length: 45,
  width: 64,
  height: 34,
  weight: 23,
  goods_list: [
    {
      sku_name: '测试商品',
      quantity: 3,
      sku_code: '535253252',
      length: 32,
      width: 32,
      height: 44,
      weight: 120,
      order_id: '64353424',
    },
  ],
  mail_company: '顺丰',
  end_mail_no: 'VL924523452',
  end_mail_company: '-',
  exception_desc: '-',
  package_list: [
    {
      origin_package_mail_nos: ['-'],
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
      remark: '-',
      length: 2400,
      width: 2400,
      height: 2400,
      weight: 2500,
      package_count: 12,
      item_count: 7,
      charge_type: 'volumeWeight',
      sub_ticket_id: 5353523,
      result_fail: false,
      fail_msg: '当前服务无法履行,木架材料不够了',
    },
  ],
  ticket_id: 'T42353535',
  other_fee: 2040,
  other_fee_desc: '-',
  error_code: 'ITEM_LOST',
};

describe('tmall.ovs.delivery.order.info.send request', () => {
  it("accepts the page's sample", () => {
    expect(issuesOf(pageSample)).toEqual([]);
  });

  it('keeps every field of the sample, Chinese text included', () => {
    expect(validateTopRequest(sendDeliveryOrderApi, pageSample)).toEqual(pageSample);
  });

  describe('ticket_id / platform_order_id', () => {
    it('accepts a ticket_id alone', () => {
      expect(issuesOf({ ticket_id: 'T42353535' })).toEqual([]);
    });

    it('accepts a platform_order_id alone', () => {
      expect(issuesOf({ platform_order_id: '43546574633' })).toEqual([]);
    });

    it('requires one of them', () => {
      expect(issuesOf({ status: 'PACKAGING' })).toEqual([
        { path: 'ticket_id', message: 'one of ticket_id or platform_order_id is required' },
      ]);
    });

    it.each(['ticket_id', 'platform_order_id'])('rejects %s sent as a number', (field) => {
      expect(issuesOf({ [field]: 43546574633 })).toEqual([
        { path: field, message: 'must be a string (ids are sent as strings)' },
      ]);
    });

    it.each(['ticket_id', 'platform_order_id'])('rejects a blank %s', (field) => {
      expect(pathsOf({ ...minimal, [field]: '  ' })).toEqual([field]);
    });
  });

  describe('status', () => {
    it.each(DELIVERY_STATUSES.filter((s) => s !== 'PACK_FAIL' && s !== 'ABNORMAL_DELIVERY'))(
      'accepts %s without an error_code',
      (status) => {
        expect(issuesOf({ ...minimal, status })).toEqual([]);
      },
    );

    it.each(['SHIPPED', 'packaging', ''])('rejects %j', (status) => {
      expect(pathsOf({ ...minimal, status })).toEqual(['status']);
    });
  });

  describe('error_code', () => {
    it.each(['PACK_FAIL', 'ABNORMAL_DELIVERY'])('is required when status is %s', (status) => {
      expect(issuesOf({ ...minimal, status })).toEqual([
        { path: 'error_code', message: `is required when status is ${status}` },
      ]);
    });

    it.each(['PACK_FAIL', 'ABNORMAL_DELIVERY'])('passes with an error_code when status is %s', (status) => {
      expect(issuesOf({ ...minimal, status, error_code: 'ITEM_LOST', exception_desc: '丢件' })).toEqual([]);
    });

    it.each(DELIVERY_ERROR_CODES)('accepts %s', (errorCode) => {
      expect(issuesOf({ ...minimal, status: 'PACK_FAIL', error_code: errorCode })).toEqual([]);
    });

    it.each(['LOST', 'item_lost', ''])('rejects %j', (errorCode) => {
      expect(pathsOf({ ...minimal, status: 'PACK_FAIL', error_code: errorCode })).toEqual(['error_code']);
    });
  });

  describe('package status', () => {
    it.each(PACKAGE_STATUSES)('accepts %s', (status) => {
      expect(issuesOf({ ...minimal, package_list: [{ outer_package_id: 'P1', status }] })).toEqual([]);
    });

    it.each(['PACKAGING', 'PACK_FINISH', 'DELIVERED'])('rejects %s', (status) => {
      expect(pathsOf({ ...minimal, package_list: [{ outer_package_id: 'P1', status }] })).toEqual([
        'package_list.0.status',
      ]);
    });
  });

  describe('whole non-negative numbers', () => {
    // [where, field, request with `value` in that field, path of the field]
    const places = [
      ...['length', 'width', 'height', 'weight', 'other_fee'].map(
        (field) => [field, (value: unknown) => ({ ...minimal, [field]: value })] as const,
      ),
      ...['quantity', 'length', 'width', 'height', 'weight'].map(
        (field) =>
          [
            `goods_list.0.${field}`,
            (value: unknown) => ({ ...minimal, goods_list: [{ [field]: value }] }),
          ] as const,
      ),
      ...['length', 'width', 'height', 'weight'].map(
        (field) =>
          [
            `package_list.0.${field}`,
            (value: unknown) => ({ ...minimal, package_list: [{ [field]: value }] }),
          ] as const,
      ),
      ...['length', 'width', 'height', 'weight', 'package_count', 'item_count', 'sub_ticket_id'].map(
        (field) =>
          [
            `service_fulfil_result.0.${field}`,
            (value: unknown) => ({ ...minimal, service_fulfil_result: [{ [field]: value }] }),
          ] as const,
      ),
    ];

    it.each(places)('%s accepts 0', (_path, request) => {
      expect(issuesOf(request(0))).toEqual([]);
    });

    it.each(places)('%s accepts a whole number', (_path, request) => {
      expect(issuesOf(request(2400))).toEqual([]);
    });

    it.each(places)('%s rejects 2.5', (path, request) => {
      expect(issuesOf(request(2.5))).toEqual([{ path, message: 'must be a whole number' }]);
    });

    it.each(places)('%s rejects -1', (path, request) => {
      expect(issuesOf(request(-1))).toEqual([{ path, message: 'must not be negative' }]);
    });

    it.each(places)('%s rejects a numeric string', (path, request) => {
      expect(pathsOf(request('20'))).toEqual([path]);
    });
  });

  it('names the index of the bad item in a list', () => {
    expect(pathsOf({ ...minimal, goods_list: [{ quantity: 1 }, { quantity: 2 }, { quantity: -3 }] })).toEqual(
      ['goods_list.2.quantity'],
    );
  });

  describe('remark', () => {
    const withRemark = (remark: string) => ({
      ...minimal,
      service_fulfil_result: [{ service_code: 'AS53', remark }],
    });

    it('accepts 100 Chinese characters', () => {
      expect(issuesOf(withRemark('木'.repeat(100)))).toEqual([]);
    });

    it('rejects 101 Chinese characters', () => {
      expect(issuesOf(withRemark('木'.repeat(101)))).toEqual([
        { path: 'service_fulfil_result.0.remark', message: 'must be at most 100 characters' },
      ]);
    });

    it('counts characters, not UTF-16 units: 100 emoji pass', () => {
      expect(issuesOf(withRemark('📦'.repeat(100)))).toEqual([]);
      expect(pathsOf(withRemark('📦'.repeat(101)))).toEqual(['service_fulfil_result.0.remark']);
    });
  });

  describe('charge_type', () => {
    const withService = (service: Record<string, unknown>) => ({
      ...minimal,
      service_fulfil_result: [{ service_code: 'AS53', ...service }],
    });

    it.each(['volume', 'VOLUMEWEIGHT', 'volume_weight'])('rejects %j', (chargeType) => {
      expect(pathsOf(withService({ charge_type: chargeType }))).toEqual([
        'service_fulfil_result.0.charge_type',
      ]);
    });

    it.each([
      ['volumeWeight', { length: 2400, width: 2400, height: 2400 }],
      ['weight', { weight: 2500 }],
      ['packageNum', { package_count: 12 }],
      ['itemNum', { item_count: 7 }],
    ] as const)('accepts %s with its required fields', (chargeType, fields) => {
      expect(issuesOf(withService({ charge_type: chargeType, ...fields }))).toEqual([]);
    });

    it('covers every charge type of the page', () => {
      expect([...CHARGE_TYPES]).toEqual(['volumeWeight', 'weight', 'packageNum', 'itemNum']);
    });

    it('accepts zero as a given required field', () => {
      expect(issuesOf(withService({ charge_type: 'weight', weight: 0 }))).toEqual([]);
    });

    it('requires length, width and height for volumeWeight', () => {
      expect(issuesOf(withService({ charge_type: 'volumeWeight' }))).toEqual([
        { path: 'service_fulfil_result.0.length', message: 'is required when charge_type is volumeWeight' },
        { path: 'service_fulfil_result.0.width', message: 'is required when charge_type is volumeWeight' },
        { path: 'service_fulfil_result.0.height', message: 'is required when charge_type is volumeWeight' },
      ]);
    });

    it.each(['length', 'width', 'height'])(
      'requires %s for volumeWeight even when the others are given',
      (missing) => {
        const sizes: Record<string, number> = { length: 10, width: 10, height: 10 };
        delete sizes[missing];
        expect(pathsOf(withService({ charge_type: 'volumeWeight', ...sizes }))).toEqual([
          `service_fulfil_result.0.${missing}`,
        ]);
      },
    );

    it.each([
      ['weight', 'weight'],
      ['packageNum', 'package_count'],
      ['itemNum', 'item_count'],
    ])('requires, for %s, %s', (chargeType, field) => {
      expect(issuesOf(withService({ charge_type: chargeType }))).toEqual([
        {
          path: `service_fulfil_result.0.${field}`,
          message: `is required when charge_type is ${chargeType}`,
        },
      ]);
    });

    it('names the service the requirement applies to', () => {
      const request = {
        ...minimal,
        service_fulfil_result: [
          { service_code: 'AS1', charge_type: 'packageNum', package_count: 1 },
          { service_code: 'AS2', charge_type: 'itemNum' },
        ],
      };
      expect(pathsOf(request)).toEqual(['service_fulfil_result.1.item_count']);
    });

    it('needs none of the fields without a charge_type', () => {
      expect(issuesOf(withService({ sub_ticket_id: 1 }))).toEqual([]);
    });
  });

  describe('string lists', () => {
    it('accepts pic_urls as an array of strings', () => {
      expect(issuesOf({ ...minimal, service_fulfil_result: [{ pic_urls: ['url1', 'url2'] }] })).toEqual([]);
    });

    it('rejects pic_urls as one string (as the Java sample writes it)', () => {
      expect(pathsOf({ ...minimal, service_fulfil_result: [{ pic_urls: '"url1","url2"' }] })).toEqual([
        'service_fulfil_result.0.pic_urls',
      ]);
    });

    it('rejects a pic_urls item that is not a string', () => {
      expect(pathsOf({ ...minimal, service_fulfil_result: [{ pic_urls: ['url1', 42] }] })).toEqual([
        'service_fulfil_result.0.pic_urls.1',
      ]);
    });

    it('accepts origin_package_mail_nos as an array of strings', () => {
      expect(
        issuesOf({ ...minimal, package_list: [{ origin_package_mail_nos: ['YT0001', 'YT0002'] }] }),
      ).toEqual([]);
    });

    it('rejects origin_package_mail_nos as one string', () => {
      expect(pathsOf({ ...minimal, package_list: [{ origin_package_mail_nos: 'YT0001' }] })).toEqual([
        'package_list.0.origin_package_mail_nos',
      ]);
    });

    it('rejects an origin_package_mail_nos item that is not a string', () => {
      expect(pathsOf({ ...minimal, package_list: [{ origin_package_mail_nos: [756444] }] })).toEqual([
        'package_list.0.origin_package_mail_nos.0',
      ]);
    });
  });

  describe('unknown fields', () => {
    it.each([
      ['at the top level', { ...minimal, ticketId: 'T1' }, 'ticketId'],
      ['in goods_list', { ...minimal, goods_list: [{ sku_name: 'a', color: 'red' }] }, 'goods_list.0.color'],
      [
        'in package_list',
        { ...minimal, package_list: [{ mail_no: '1', carrier: 'SF' }] },
        'package_list.0.carrier',
      ],
      [
        'in service_fulfil_result',
        { ...minimal, service_fulfil_result: [{ chargeType: 'weight' }] },
        'service_fulfil_result.0.chargeType',
      ],
    ])('rejects one %s', (_where, request, path) => {
      expect(issuesOf(request)).toEqual([{ path, message: 'is not a field of this API' }]);
    });
  });

  it('reports every bad field at once', () => {
    const request = { ...minimal, status: 'SHIPPED', weight: -1, goods_list: [{ quantity: 2.5 }] };
    expect(pathsOf(request)).toEqual(['status', 'weight', 'goods_list.0.quantity']);
  });

  it('reports the cross-field rules together with out-of-range fields', () => {
    expect(pathsOf({ status: 'PACK_FAIL', weight: -1 })).toEqual(['weight', 'ticket_id', 'error_code']);
  });
});

describe('tmall.ovs.delivery.order.info.send response', () => {
  const failureOf = (body: unknown) => sendDeliveryOrderApi.failure(DeliveryOrderSendResponse.parse(body));

  it("reports the page's sample as a failure with its code and message", () => {
    expect(failureOf({ result: { success: false, fail_code: '1100', fail_message: '系统异常' } })).toEqual({
      subCode: '1100',
      subMsg: '系统异常',
    });
  });

  it('turns a numeric fail_code into text', () => {
    expect(failureOf({ result: { success: 'false', fail_code: 1100 } })).toEqual({
      subCode: '1100',
      subMsg: undefined,
    });
  });

  it('labels a failure without a code', () => {
    expect(failureOf({ result: { success: false } })).toEqual({
      subCode: 'success=false',
      subMsg: undefined,
    });
  });

  it.each([true, 'true'])('sees success when success is %j', (success) => {
    expect(failureOf({ result: { success }, request_id: 'req-1' })).toBeUndefined();
  });

  it('counts a body without a result as a failure', () => {
    expect(failureOf({ request_id: 'req-1' })).toBeDefined();
  });
});
