import { describe, expect, it } from 'vitest';
import { validateTopRequest } from '#lib/top/apis/api.ts';
import { FulfillOrderResponse, fulfillOrderApi } from '#lib/top/apis/fulfill-order.ts';
import { TopRequestValidationError } from '#lib/top/apis/validation.ts';
import { fulfilPageExample } from '#test/helpers/api-examples.ts';
import { requestIssues } from '#test/helpers/validation.ts';

const pageExample = fulfilPageExample;

const issuesOf = (input: unknown) => requestIssues(fulfillOrderApi, input);

const pathsOf = (input: unknown) => issuesOf(input).map((issue) => issue.path);

describe('aliexpress.solution.order.fulfill request', () => {
  it('accepts the example of the API page', () => {
    expect(validateTopRequest(fulfillOrderApi, pageExample)).toEqual(pageExample);
  });

  it('accepts the required fields alone', () => {
    const { tracking_website: _website, description: _description, ...required } = pageExample;
    expect(issuesOf(required)).toEqual([]);
  });

  it('throws a TopRequestValidationError naming the method and each bad field', () => {
    let thrown: unknown;
    try {
      validateTopRequest(fulfillOrderApi, { ...pageExample, out_ref: '', send_type: 'some' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TopRequestValidationError);
    const error = thrown as TopRequestValidationError;
    expect(error.name).toBe('TopRequestValidationError');
    expect(error.method).toBe('aliexpress.solution.order.fulfill');
    expect(error.issues.map((issue) => issue.path)).toEqual(['out_ref', 'send_type']);
    expect(error.message).toMatch(
      /^Invalid aliexpress\.solution\.order\.fulfill request: out_ref: .*; send_type: /,
    );
  });

  describe.each(['service_name', 'out_ref', 'logistics_no'])('%s', (field) => {
    it('is required', () => {
      const { [field]: _dropped, ...rest } = pageExample as Record<string, string>;
      expect(pathsOf(rest)).toEqual([field]);
    });

    it.each([
      ['empty', ''],
      ['whitespace-only', '   '],
    ])('must not be %s', (_case, value) => {
      expect(issuesOf({ ...pageExample, [field]: value })).toEqual([
        { path: field, message: 'must not be empty' },
      ]);
    });

    it('must be a string', () => {
      expect(pathsOf({ ...pageExample, [field]: 888877779999 })).toEqual([field]);
    });

    it('is trimmed', () => {
      const request = validateTopRequest(fulfillOrderApi, { ...pageExample, [field]: ' X1 ' });
      expect(request[field as keyof typeof request]).toBe('X1');
    });
  });

  describe('send_type', () => {
    it.each(['all', 'part'])('accepts %s', (sendType) => {
      expect(issuesOf({ ...pageExample, send_type: sendType })).toEqual([]);
    });

    it.each(['ALL', 'partial', ''])('rejects %j', (sendType) => {
      expect(pathsOf({ ...pageExample, send_type: sendType })).toEqual(['send_type']);
    });

    it('is required', () => {
      const { send_type: _dropped, ...rest } = pageExample;
      expect(pathsOf(rest)).toEqual(['send_type']);
    });
  });

  describe('description', () => {
    it('accepts 512 characters', () => {
      expect(issuesOf({ ...pageExample, description: 'a'.repeat(512) })).toEqual([]);
    });

    it('rejects 513 characters', () => {
      expect(issuesOf({ ...pageExample, description: 'a'.repeat(513) })).toEqual([
        { path: 'description', message: 'must be at most 512 characters' },
      ]);
    });

    it('accepts English text with punctuation and line breaks', () => {
      expect(
        issuesOf({ ...pageExample, description: 'Shipped 2/3 items; rest next week.\r\nThanks!' }),
      ).toEqual([]);
    });

    it.each([
      ['Chinese', '部分发货'],
      ['an emoji', 'shipped 📦'],
      ['an accented letter', 'expédié'],
    ])('rejects %s (English only)', (_case, description) => {
      expect(issuesOf({ ...pageExample, description })).toEqual([
        { path: 'description', message: 'must be English text (ASCII only)' },
      ]);
    });
  });

  describe('tracking_website', () => {
    it.each(['other', 'Other', 'OTHER'])('is required when service_name is %s', (serviceName) => {
      const { tracking_website: _dropped, ...rest } = pageExample;
      expect(issuesOf({ ...rest, service_name: serviceName })).toEqual([
        { path: 'tracking_website', message: 'is required when service_name is "other"' },
      ]);
    });

    it('must not be whitespace-only when service_name is other', () => {
      expect(pathsOf({ ...pageExample, service_name: 'other', tracking_website: '  ' })).toEqual([
        'tracking_website',
      ]);
    });

    it('passes with a website when service_name is other', () => {
      expect(
        issuesOf({ ...pageExample, service_name: 'other', tracking_website: 'www.17track.com' }),
      ).toEqual([]);
    });

    it('is optional for any other service', () => {
      const { tracking_website: _dropped, ...rest } = pageExample;
      expect(issuesOf({ ...rest, service_name: 'EMS' })).toEqual([]);
    });
  });

  it.each([
    ['a field the page does not list', 'memo'],
    ['a camelCase name', 'serviceName'],
  ])('rejects %s', (_case, field) => {
    expect(issuesOf({ ...pageExample, [field]: 'x' })).toEqual([
      { path: field, message: 'is not a field of this API' },
    ]);
  });

  it.each([null, 'EMS', []])('rejects a request that is not an object: %j', (input) => {
    expect(issuesOf(input)).not.toEqual([]);
  });
});

describe('aliexpress.solution.order.fulfill response', () => {
  const failureOf = (body: unknown) => fulfillOrderApi.failure(FulfillOrderResponse.parse(body));

  it('parses the page sample and sees success', () => {
    const response = FulfillOrderResponse.parse({ result: { result_success: true }, request_id: 'req-1' });
    expect(response).toEqual({ result: { result_success: true }, request_id: 'req-1' });
    expect(fulfillOrderApi.failure(response)).toBeUndefined();
  });

  it('reads "true" sent as a string', () => {
    expect(failureOf({ result: { result_success: 'true' } })).toBeUndefined();
  });

  it('reports result_success false with its error fields', () => {
    expect(
      failureOf({
        result: {
          result_success: false,
          result_error_code: 'ORDER_NOT_FOUND',
          result_error_desc: 'no such order',
        },
      }),
    ).toEqual({ subCode: 'ORDER_NOT_FOUND', subMsg: 'no such order' });
  });

  it('reports result_success false without error fields under a label of its own', () => {
    expect(failureOf({ result: { result_success: 'false' } })).toEqual({
      subCode: 'result_success=false',
      subMsg: undefined,
    });
  });

  it('turns a numeric error code into text', () => {
    expect(failureOf({ result: { result_success: false, result_error_code: 1100 } })).toMatchObject({
      subCode: '1100',
    });
  });

  it('counts a body without a result as a failure', () => {
    expect(failureOf({ request_id: 'req-1' })).toBeDefined();
  });
});
