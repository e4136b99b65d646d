import { describe, expect, it } from 'vitest';
import {
  TopAuthError,
  TopPermanentError,
  TopRateLimitedError,
  TopTransientError,
  TopTransportError,
} from '#lib/top/errors.ts';
import { parseJsonKeepingIds } from '#lib/top/json.ts';
import { readIopResponse, readIopRestResponse, readTopResponse, responseKey } from '#lib/top/response.ts';

const FULFILL = 'aliexpress.solution.order.fulfill';
const QUERY = 'aliexpress.local.logistics.order.info.query';

/** What readTopResponse threw, for assertions on the error itself. */
function thrownBy(body: string, method = FULFILL): unknown {
  try {
    readTopResponse(body, method);
  } catch (error) {
    return error;
  }
  throw new Error('readTopResponse did not throw');
}

describe('responseKey', () => {
  it('replaces the dots of the method and appends _response', () => {
    expect(responseKey(FULFILL)).toBe('aliexpress_solution_order_fulfill_response');
    expect(responseKey('tmall.ovs.delivery.order.info.send')).toBe(
      'tmall_ovs_delivery_order_info_send_response',
    );
  });
});

describe('readTopResponse', () => {
  it('unwraps the <method>_response envelope', () => {
    const body = JSON.stringify({
      aliexpress_solution_order_fulfill_response: {
        result: { result_success: true },
        request_id: '0ba2887315178178017221014',
      },
    });
    expect(readTopResponse(body, FULFILL)).toEqual({
      result: { result_success: true },
      request_id: '0ba2887315178178017221014',
    });
  });

  it('accepts a bare simplify=true body', () => {
    const body = '{"result":{"result_success":true},"request_id":"0ba2887315178178017221014"}';
    expect(readTopResponse(body, FULFILL)).toEqual({
      result: { result_success: true },
      request_id: '0ba2887315178178017221014',
    });
  });

  it('throws the classified error of an error_response', () => {
    const error = thrownBy(
      JSON.stringify({
        error_response: {
          code: 50,
          msg: 'Remote service error',
          sub_code: 'isv.invalid-parameter',
          sub_msg: '非法参数',
          request_id: 'req-1',
        },
      }),
    );
    expect(error).toBeInstanceOf(TopPermanentError);
    expect(error).toMatchObject({
      code: 50,
      msg: 'Remote service error',
      subCode: 'isv.invalid-parameter',
      subMsg: '非法参数',
      requestId: 'req-1',
      method: FULFILL,
      retryable: false,
    });
  });

  it.each([
    [
      'an isp.* sub_code',
      { code: 15, msg: 'Remote service error', sub_code: 'isp.unknown-error' },
      TopTransientError,
    ],
    ['code 27', { code: 27, msg: 'Invalid Session' }, TopAuthError],
    ['code 10', { code: 10, msg: 'Service Currently Unavailable' }, TopTransientError],
  ])('classifies an error_response with %s', (_case, errorResponse, ErrorClass) => {
    expect(thrownBy(JSON.stringify({ error_response: errorResponse }))).toBeInstanceOf(ErrorClass);
  });

  it('reads a rate limit and the ban it announces', () => {
    const error = thrownBy(
      '{"error_response":{"code":7,"msg":"App Call Limited","sub_msg":"This ban will last for 2 more seconds"}}',
    );
    expect(error).toBeInstanceOf(TopRateLimitedError);
    expect(error).toMatchObject({ code: 7, retryAfterMs: 3000, retryable: true });
  });

  it('reads a code sent as a string', () => {
    expect(thrownBy('{"error_response":{"code":"27","msg":"Invalid Session"}}')).toMatchObject({
      name: 'TopAuthError',
      code: 27,
    });
  });

  it('throws the classified error of a bare simplify=true { code, msg } error', () => {
    const error = thrownBy(
      '{"code":7,"msg":"App Call Limited","sub_msg":"This ban will last for 2 more seconds","request_id":"r"}',
    );
    expect(error).toBeInstanceOf(TopRateLimitedError);
    expect(error).toMatchObject({ code: 7, msg: 'App Call Limited', requestId: 'r', retryAfterMs: 3000 });
  });

  it('throws a bare simplify=true error with an isv.* sub_code as permanent', () => {
    expect(
      thrownBy('{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter"}'),
    ).toBeInstanceOf(TopPermanentError);
  });

  it.each([
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['truncated JSON', '{"aliexpress_solution_order_fulfill_response":{"result":'],
  ])('turns %s into a TopTransportError', (_case, body) => {
    const error = thrownBy(body);
    expect(error).toBeInstanceOf(TopTransportError);
    expect(error).toMatchObject({ method: FULFILL, retryable: true, kind: 'transient' });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it.each(['[]', 'null', '42', '"ok"'])('turns the non-object JSON %s into a TopTransportError', (body) => {
    expect(thrownBy(body)).toBeInstanceOf(TopTransportError);
  });

  it.each([
    ['8143812362060033', '8143812362060033'],
    ['9007199254740993', '9007199254740993'],
  ])('keeps the 16-digit trade_order_id %s exact', (digits, expected) => {
    const body = `{"aliexpress_local_logistics_order_info_query_response":{"data":{"trade_order_id":${digits}},"is_success":true}}`;
    const data = readTopResponse(body, QUERY).data as { trade_order_id: unknown };
    expect(String(data.trade_order_id)).toBe(expected);
  });

  it('hands an id past 2^53 over as a string of its digits', () => {
    const body = '{"data":{"trade_order_id":9007199254740993}}';
    expect(readTopResponse(body, QUERY)).toEqual({ data: { trade_order_id: '9007199254740993' } });
  });
});

describe('parseJsonKeepingIds', () => {
  it('returns an integer past 2^53 as its exact digits', () => {
    // JSON.parse would have made it 9007199254740992.
    expect(JSON.parse('9007199254740993')).toBe(9007199254740992);
    expect(parseJsonKeepingIds('{"trade_order_id":9007199254740993}')).toEqual({
      trade_order_id: '9007199254740993',
    });
  });

  it('returns a 16-digit id below 2^53 as a number that prints to the same digits', () => {
    const { trade_order_id } = parseJsonKeepingIds('{"trade_order_id":8143812362060033}') as {
      trade_order_id: number;
    };
    expect(Number.isSafeInteger(trade_order_id)).toBe(true);
    expect(String(trade_order_id)).toBe('8143812362060033');
  });

  it('leaves every other value as JSON.parse would, in a body that also holds a long id', () => {
    const text =
      '{"ids":[9007199254740993,12345678901234567890],"n":1,"price":1.1,"weight":"18.5",' +
      '"key":"01234567890123456789012345678901234567891234","ok":true,"none":null,"neg":-3}';
    expect(parseJsonKeepingIds(text)).toEqual({
      ids: ['9007199254740993', '12345678901234567890'],
      n: 1,
      price: 1.1,
      weight: '18.5',
      key: '01234567890123456789012345678901234567891234',
      ok: true,
      none: null,
      neg: -3,
    });
  });

  it('equals JSON.parse on bodies without long digit runs', () => {
    const text = '{"a":[1,2.5,"x"],"b":{"c":false,"d":null},"e":"顺丰"}';
    expect(parseJsonKeepingIds(text)).toEqual(JSON.parse(text));
  });

  it('lets the last of duplicate keys win, as JSON.parse does', () => {
    expect(parseJsonKeepingIds('{"status":"1","status":"2"}')).toEqual({ status: '2' });
  });

  it('lets the last of duplicate keys win in a body that also holds a long id', () => {
    expect(parseJsonKeepingIds('{"trade_order_id":9007199254740993,"status":"1","status":"2"}')).toEqual({
      trade_order_id: '9007199254740993',
      status: '2',
    });
  });

  it.each(['', '{', '<xml/>', '{"a":9007199254740993'])('throws SyntaxError on %j', (text) => {
    expect(() => parseJsonKeepingIds(text)).toThrow(SyntaxError);
  });
});

describe('readIopResponse', () => {
  const method = 'aliexpress.solution.order.fulfill';

  it('unwraps the same <method>_response envelope as TOP', () => {
    const body = JSON.stringify({
      aliexpress_solution_order_fulfill_response: { result: { result_success: true }, request_id: 'r1' },
    });
    expect(readIopResponse(body, method)).toEqual({ result: { result_success: true }, request_id: 'r1' });
  });

  it('reads an error_response with a named code and its type', () => {
    const body = JSON.stringify({
      error_response: {
        type: 'ISV',
        code: 'IllegalAccessToken',
        msg: 'The specified access token is invalid or expired',
        request_id: 'r2',
      },
    });
    const error = catchError(() => readIopResponse(body, method));
    expect(error).toBeInstanceOf(TopAuthError);
    expect(error).toMatchObject({ code: 'IllegalAccessToken', type: 'ISV', requestId: 'r2', method });
  });

  it('reads a bare error with message instead of msg', () => {
    const body = JSON.stringify({
      type: 'ISP',
      code: 'ServiceUnavailable',
      message: 'busy',
      request_id: 'r3',
    });
    const error = catchError(() => readIopResponse(body, method));
    expect(error).toBeInstanceOf(TopTransientError);
    expect(error).toMatchObject({ code: 'ServiceUnavailable', msg: 'busy' });
  });

  it('keeps a named code as text even when it looks like a number', () => {
    const body = JSON.stringify({ error_response: { type: 'ISV', code: '15', msg: 'x' } });
    expect(catchError(() => readIopResponse(body, method))).toMatchObject({ code: '15' });
  });

  it('reads the ban an ApiCallLimit announces', () => {
    const body = JSON.stringify({
      error_response: { type: 'ISV', code: 'ApiCallLimit', msg: 'This ban will last for 4 more seconds' },
    });
    const error = catchError(() => readIopResponse(body, method));
    expect(error).toBeInstanceOf(TopRateLimitedError);
    expect((error as TopRateLimitedError).retryAfterMs).toBe(5_000);
  });

  it('counts a body that is not JSON as a transport failure', () => {
    expect(catchError(() => readIopResponse('<html>', method))).toBeInstanceOf(TopTransportError);
  });
});

describe('readIopRestResponse', () => {
  it('returns the flat body of code "0"', () => {
    const body = JSON.stringify({ code: '0', access_token: 'a', expires_in: 2592000, request_id: 'r' });
    expect(readIopRestResponse(body, '/auth/token/create')).toMatchObject({ code: '0', access_token: 'a' });
  });

  it('throws the classified error of another code, naming the path', () => {
    const body = JSON.stringify({
      code: 'IllegalRefreshToken',
      type: 'ISV',
      message: 'used',
      request_id: 'r',
    });
    const error = catchError(() => readIopRestResponse(body, '/auth/token/refresh'));
    expect(error).toBeInstanceOf(TopAuthError);
    expect(error).toMatchObject({ code: 'IllegalRefreshToken', msg: 'used', method: '/auth/token/refresh' });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
