import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// An AWS Signature Version 4 check written from the AWS documentation ("Create a signed AWS API
// request"), sharing no code with @smithy/signature-v4: what API Gateway's IAM authorization does
// with a request before it lets it through.

/** A request as it arrived: the raw path and query, the headers, the body. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target as on the wire: `/path?query`. */
  readonly rawUrl: string;
  /** Lower-case names, as node's `IncomingMessage.headers`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** What the verifier knows of a key: its secret, and the session token issued with it. */
export interface KnownKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export type Verdict =
  | { readonly ok: true; readonly accessKeyId: string; readonly signedHeaders: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export interface VerifyOptions {
  readonly keys: Readonly<Record<string, KnownKey>>;
  readonly service: string;
  readonly region: string;
  readonly now?: Date;
  /** How far `x-amz-date` may be from `now`. Default 15 minutes. */
  readonly maxSkewMs?: number;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** URI-encode per SigV4: every byte but A-Z a-z 0-9 - _ . ~ as %XY, upper-case hex. */
export function uriEncode(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** The path as sent is encoded once; every service but S3 encodes each segment once more. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

/** Each name and value decoded, encoded again, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at === -1 ? pair : pair.slice(0, at);
      const value = at === -1 ? '' : pair.slice(at + 1);
      return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value]).map((v) => v.trim().replace(/\s+/g, ' ')).join(',');

/** The canonical request the signature must cover (exported for the tests' own messages). */
export function canonicalRequest(request: ReceivedRequest, signedHeaders: readonly string[]): string {
  const at = request.rawUrl.indexOf('?');
  const rawPath = at === -1 ? request.rawUrl : request.rawUrl.slice(0, at);
  const rawQuery = at === -1 ? '' : request.rawUrl.slice(at + 1);
  return [
    request.method.toUpperCase(),
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    ...signedHeaders.map((name) => `${name}:${headerValue(request.headers[name]) ?? ''}`),
    '',
    signedHeaders.join(';'),
    sha256Hex(request.body),
  ].join('\n');
}

/** Whether the request carries a valid SigV4 signature of a known key for this service and region. */
export function verifySigV4(request: ReceivedRequest, options: VerifyOptions): Verdict {
  const fail = (reason: string): Verdict => ({ ok: false, reason });
  const authorization = headerValue(request.headers.authorization);
  if (authorization === undefined) return fail('no Authorization header');
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return fail(`malformed Authorization header: ${authorization}`);
  const [, accessKeyId, scopeDate, region, service, signedList, signature] = match as unknown as string[];
  if (accessKeyId === undefined || signedList === undefined || signature === undefined)
    return fail('malformed Authorization header');
  const key = options.keys[accessKeyId];
  if (!key) return fail(`unknown access key ${accessKeyId}`);
  if (region !== options.region) return fail(`signed for region ${region}, not ${options.region}`);
  if (service !== options.service) return fail(`signed for service ${service}, not ${options.service}`);

  const signedHeaders = signedList.split(';');
  const sorted = [...signedHeaders].sort();
  if (signedHeaders.join(';') !== sorted.join(';')) return fail('SignedHeaders are not sorted');
  for (const required of ['host', 'x-amz-date'])
    if (!signedHeaders.includes(required)) return fail(`${required} is not signed`);
  // A header that changes the meaning of the request must be covered when it is sent.
  for (const sent of ['content-type', 'x-amz-security-token'])
    if (request.headers[sent] !== undefined && !signedHeaders.includes(sent))
      return fail(`${sent} is not signed`);

  const token = headerValue(request.headers['x-amz-security-token']);
  if (key.sessionToken !== undefined && token !== key.sessionToken)
    return fail('wrong or missing session token');
  if (key.sessionToken === undefined && token !== undefined) return fail('unexpected session token');

  const amzDate = headerValue(request.headers['x-amz-date']) ?? '';
  const date = AMZ_DATE.exec(amzDate);
  if (!date) return fail(`malformed x-amz-date ${amzDate}`);
  if (amzDate.slice(0, 8) !== scopeDate) return fail('x-amz-date is not the credential scope date');
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  const signedAt = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  const now = (options.now ?? new Date()).getTime();
  if (Math.abs(now - signedAt) > (options.maxSkewMs ?? 15 * 60_000)) return fail('signature expired');

  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    sha256Hex(canonicalRequest(request, signedHeaders)),
  ].join('\n');
  const kDate = hmac(`AWS4${key.secretAccessKey}`, scopeDate as string);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return fail('the signature does not match');
  return { ok: true, accessKeyId, signedHeaders };
}
