import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';

/** Webhook bodies above this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body exactly as sent: signatures are over these bytes. */
export function rawBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): Buffer {
  const body = event.body ?? '';
  // Cheap bound first: base64 is 4/3 of the bytes, UTF-8 at most 3 bytes per UTF-16 unit.
  if (body.length > (event.isBase64Encoded ? Math.ceil((maxBytes * 4) / 3) + 4 : maxBytes * 3)) {
    throw new PayloadTooLargeError(maxBytes);
  }
  const bytes = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return bytes;
}

/** A header by lowercase name (API Gateway v2 lowercases them). */
export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  event.headers?.[name] ?? undefined;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/** Parses a JSON body; 415 unless the content type says JSON, 400 unless it parses. */
export function parseJsonBody(event: APIGatewayProxyEventV2, bytes: Buffer): unknown {
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !JSON_MEDIA_TYPE.test(mediaType)) throw new UnsupportedMediaTypeError();
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MalformedJsonError({ cause: error });
  }
}
