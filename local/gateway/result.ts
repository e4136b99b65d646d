import type { OutgoingHttpHeaders } from 'node:http';
import { MalformedResultError } from './errors.ts';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** What API Gateway drops silently and a developer should hear about. */
  readonly warnings: readonly string[];
}

/**
 * Turns what a handler returned into the HTTP response, by the payload format 2.0 rules: a result with
 * a `statusCode` is a structured response; anything else is a JSON value answered as a 200
 * `application/json` (a string as it is). Throws {@link MalformedResultError} where API Gateway answers 500.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (typeof result === 'string') return jsonOk(result);
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    let text: string | undefined;
    try {
      text = JSON.stringify(result);
    } catch (error) {
      throw new MalformedResultError('the result is not JSON-serializable', { cause: error });
    }
    // JSON.stringify(undefined) is undefined; Lambda sends a handler's undefined as null.
    return jsonOk(text ?? 'null');
  }
  return structured(result as Record<string, unknown>);
}

function jsonOk(body: string): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body, 'utf8'),
    warnings: [],
  };
}

function structured(result: Record<string, unknown>): HttpResponse {
  const { statusCode, headers = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw new MalformedResultError(
      `statusCode must be a whole number from 100 to 599, got ${String(statusCode)}`,
    );
  }
  if (typeof body !== 'string') throw new MalformedResultError(`body must be a string, got ${typeof body}`);
  if (typeof isBase64Encoded !== 'boolean')
    throw new MalformedResultError('isBase64Encoded must be a boolean');
  if (!isPlainObject(headers)) throw new MalformedResultError('headers must be an object');
  if (!Array.isArray(cookies) || !cookies.every((cookie) => typeof cookie === 'string')) {
    throw new MalformedResultError('cookies must be a list of strings');
  }
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new MalformedResultError(`header ${name} must be a string, number or boolean`);
    }
    out[name.toLowerCase()] = String(value);
  }
  if (cookies.length > 0) out['set-cookie'] = cookies;
  const warnings =
    'multiValueHeaders' in result
      ? ['multiValueHeaders is ignored by HTTP API payload format 2.0: join the values in headers instead']
      : [];
  return {
    statusCode,
    headers: out,
    body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
    warnings,
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
