import { describe, expect, it } from 'vitest';
import { MalformedResultError } from '#local/gateway/errors.ts';
import { toHttpResponse } from '#local/gateway/result.ts';

describe('toHttpResponse', () => {
  it.each([
    { result: { ok: true }, body: '{"ok":true}' },
    { result: [1, 2], body: '[1,2]' },
    { result: 42, body: '42' },
    { result: null, body: 'null' },
    { result: undefined, body: 'null' },
    { result: 'plain text', body: 'plain text' },
    // Without a statusCode, even a response-like object is a JSON value.
    { result: { body: 'x', headers: {} }, body: '{"body":"x","headers":{}}' },
  ])('answers $result as 200 application/json', ({ result, body }) => {
    const response = toHttpResponse(result);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(response.body.toString()).toBe(body);
  });

  it('takes a structured result with defaults: no headers, an empty body', () => {
    expect(toHttpResponse({ statusCode: 204 })).toEqual({
      statusCode: 204,
      headers: {},
      body: Buffer.alloc(0),
      warnings: [],
    });
  });

  it('warns that multiValueHeaders is dropped, as payload format 2.0 drops it', () => {
    const response = toHttpResponse({ statusCode: 200, multiValueHeaders: { 'x-a': ['1', '2'] } });

    expect(response.headers).toEqual({});
    expect(response.warnings).toEqual([expect.stringContaining('multiValueHeaders is ignored')]);
  });

  it.each([
    { result: { statusCode: '200' }, message: 'statusCode' },
    { result: { statusCode: 99 }, message: 'statusCode' },
    { result: { statusCode: 200.5 }, message: 'statusCode' },
    { result: { statusCode: 200, body: { a: 1 } }, message: 'body must be a string' },
    { result: { statusCode: 200, isBase64Encoded: 'true' }, message: 'isBase64Encoded' },
    { result: { statusCode: 200, headers: [] }, message: 'headers must be an object' },
    { result: { statusCode: 200, headers: { 'x-a': ['1'] } }, message: 'header x-a' },
    { result: { statusCode: 200, cookies: 'a=1' }, message: 'cookies' },
    { result: { toJSON: () => 1n }, message: 'not JSON-serializable' },
  ])('rejects a result API Gateway cannot map: $message', ({ result, message }) => {
    expect(() => toHttpResponse(result)).toThrow(MalformedResultError);
    expect(() => toHttpResponse(result)).toThrow(message);
  });
});
