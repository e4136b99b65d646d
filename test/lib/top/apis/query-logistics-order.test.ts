import { describe, expect, it } from 'vitest';
import { validateTopRequest } from '#lib/top/apis/api.ts';
import {
  FindOrderResponse,
  LOGISTICS_ORDER_STATUSES,
  queryLogisticsOrderApi,
} from '#lib/top/apis/query-logistics-order.ts';
import { readTopResponse } from '#lib/top/response.ts';
import { requestIssues } from '#test/helpers/validation.ts';

const issuesOf = (input: unknown) => requestIssues(queryLogisticsOrderApi, input);

describe('aliexpress.local.logistics.order.info.query request', () => {
  it('accepts the example of the API page', () => {
    expect(validateTopRequest(queryLogisticsOrderApi, { logistics_order_id: 'BP10000000018002' })).toEqual({
      logistics_order_id: 'BP10000000018002',
    });
  });

  it('requires logistics_order_id', () => {
    expect(issuesOf({}).map((issue) => issue.path)).toEqual(['logistics_order_id']);
  });

  it.each([
    ['a number', 10000000018002],
    ['null', null],
  ])('rejects logistics_order_id as %s', (_case, value) => {
    expect(issuesOf({ logistics_order_id: value })).toEqual([
      { path: 'logistics_order_id', message: 'must be a string (ids are sent as strings)' },
    ]);
  });

  it.each(['', '   '])('rejects the blank logistics_order_id %j', (value) => {
    expect(issuesOf({ logistics_order_id: value })).toEqual([
      { path: 'logistics_order_id', message: 'must not be empty' },
    ]);
  });

  it('rejects an unknown field', () => {
    expect(issuesOf({ logistics_order_id: 'BP1', logisticsOrderId: 'BP1' })).toEqual([
      { path: 'logisticsOrderId', message: 'is not a field of this API' },
    ]);
  });
});

// The page's XML sample as JSON: Number fields as numbers, String fields as strings, the product list
// in TOP's item wrapper.
const pageSample = {
  data: {
    parcel: { quantity: 1, parcel_type_code: 'BOX', width: '1', length: '1', weight: '18.5', height: '1' },
    logistics_order_id: 'BP10000000018002',
    logistics_channel_order_id: 'BP10000000018002',
    trade_order_id: 8143812362060033,
    tracking_code: '123456789',
    shipping_method_id: '2',
    logistics_channel_id: '2',
    receipt_address: {
      first_name: 'Nome',
      last_name: 'Sobrenome',
      city: 'San Paulo',
      federal_tax_id: '97586646112',
      country: 'Brasil',
      zip_code: '04012-080',
      state: 'SP',
      address: 'Rua Dr Amancio de Carvalho',
      address_number: '110',
      email: 'email@xxx.com',
      cell_phone: '11987654321',
      additional: 'Floor 5',
    },
    status: '1',
    sender_address: {
      first_name: 'Nome',
      last_name: 'Sobrenome',
      state: 'San Paulo',
      zip_code: '04012-080',
      address: 'street',
      address_number: '110',
      email: 'test@123.com',
      cell_phone: '4341341',
      city: 'São Paulo',
      country: 'Brazil',
    },
    tracking_url: 'http://status.ondeestameupedido.com/tracking/6081fde1e6f9bdb144be7ee34bc2190c6ac8ff12',
    logistics_channel_name: 'PEKAGI',
    invoice: {
      invoice_series: '186',
      invoice_number: '772611000',
      invoice_date: '2017-11-12T12:00:00.000-02:00',
      invoice_total_value: '123.0',
      invoice_key: '01234567890123456789012345678901234567891234',
    },
    products: {
      product_d_t_o: [
        { weight: '1', length: '1', width: '1', height: '1', price: '1.1', quantity: 1, sku_id: '123' },
      ],
    },
  },
  is_success: true,
  error_result_message: '1111',
  error_result_code: '11',
};

const product = {
  weight: '1',
  length: '1',
  width: '1',
  height: '1',
  price: '1.1',
  quantity: 1,
  sku_id: '123',
};

describe('aliexpress.local.logistics.order.info.query response', () => {
  it("parses the page's full OrderDTO sample", () => {
    const response = FindOrderResponse.parse(pageSample);
    expect(response.data?.trade_order_id).toBe('8143812362060033');
    expect(response.data?.status).toBe('1');
    expect(response.data?.products).toEqual([product]);
    expect(response).toEqual({
      ...pageSample,
      data: { ...pageSample.data, trade_order_id: '8143812362060033', products: [product] },
    });
  });

  it('parses products sent as a plain array (simplify=true)', () => {
    const response = FindOrderResponse.parse({
      ...pageSample,
      data: { ...pageSample.data, products: [product] },
    });
    expect(response.data?.products).toEqual([product]);
  });

  it('parses a wrapped single product sent as an object', () => {
    const response = FindOrderResponse.parse({
      ...pageSample,
      data: { ...pageSample.data, products: { product_d_t_o: product } },
    });
    expect(response.data?.products).toEqual([product]);
  });

  it('reads the status sent as a number as its text', () => {
    const response = FindOrderResponse.parse({ ...pageSample, data: { ...pageSample.data, status: 6 } });
    expect(response.data?.status).toBe('6');
    expect(LOGISTICS_ORDER_STATUSES[response.data?.status as keyof typeof LOGISTICS_ORDER_STATUSES]).toBe(
      'DELIVERED',
    );
  });

  it.each([
    ['8143812362060033', '8143812362060033'],
    ['9007199254740993', '9007199254740993'],
  ])('keeps trade_order_id %s exact from the raw body to the typed response', (digits, expected) => {
    const body = JSON.stringify({
      aliexpress_local_logistics_order_info_query_response: { ...pageSample, request_id: 'req-1' },
    }).replace('8143812362060033', digits);
    const response = FindOrderResponse.parse(readTopResponse(body, queryLogisticsOrderApi.method));
    expect(response.data?.trade_order_id).toBe(expected);
    expect(response.request_id).toBe('req-1');
  });

  it('sees success in the sample even though it carries an error code and message', () => {
    expect(queryLogisticsOrderApi.failure(FindOrderResponse.parse(pageSample))).toBeUndefined();
  });

  it('reports is_success false with its error code and message', () => {
    const response = FindOrderResponse.parse({
      is_success: false,
      error_result_code: 'ORDER_NOT_FOUND',
      error_result_message: 'order not found',
    });
    expect(queryLogisticsOrderApi.failure(response)).toEqual({
      subCode: 'ORDER_NOT_FOUND',
      subMsg: 'order not found',
    });
  });

  it('reports is_success "false" sent as a string, with data present', () => {
    const response = FindOrderResponse.parse({ ...pageSample, is_success: 'false' });
    expect(queryLogisticsOrderApi.failure(response)).toEqual({ subCode: '11', subMsg: '1111' });
  });

  it('labels a failure without an error code', () => {
    const response = FindOrderResponse.parse({ is_success: false });
    expect(queryLogisticsOrderApi.failure(response)).toEqual({
      subCode: 'is_success=false',
      subMsg: undefined,
    });
  });

  it('counts a success without data as a failure (nothing to store)', () => {
    expect(queryLogisticsOrderApi.failure(FindOrderResponse.parse({ is_success: true }))).toBeDefined();
  });
});
