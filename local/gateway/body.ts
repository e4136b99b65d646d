import type { IncomingMessage } from 'node:http';

/** API Gateway's cap on a request's payload. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export type BodyRead = { readonly kind: 'body'; readonly body: Buffer } | { readonly kind: 'too-large' };

/**
 * Reads the request body into one buffer, stopping as soon as it passes `maxBytes` (the declared
 * `content-length` is checked first). Past the cap, the rest is read and dropped, never kept: answering
 * before the sender has finished would have its socket reset and lose the answer.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_REQUEST_BYTES): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve({ kind: 'body', body: Buffer.concat(chunks, size) });
    });
    req.on('error', reject);
  });
}

const TEXT_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/javascript',
  'application/xml',
  'application/yaml',
  'application/x-www-form-urlencoded',
]);

/**
 * Whether an HTTP API hands a body with this content type to Lambda as text; any other body (and one
 * without a content type) arrives base64-encoded with `isBase64Encoded: true`.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}
