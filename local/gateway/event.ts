import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../lambda/context.ts';
import { isTextContentType } from './body.ts';
import type { CompiledRoute } from './route.ts';

/** The id API Gateway gives the local API. */
export const LOCAL_API_ID = 'local';

export interface HttpEventInput {
  readonly req: IncomingMessage;
  readonly route: CompiledRoute;
  readonly pathParameters: Record<string, string>;
  /** `undefined` when the request had no body. */
  readonly body: Buffer | undefined;
  readonly requestId: string;
  readonly now: number;
}

/** A request id in API Gateway's shape (`JKJaXmPLvHcESHA=`). */
export const newApiRequestId = (): string => randomBytes(10).toString('base64');

/** The payload format 2.0 event an HTTP API sends its Lambda integration for this request. */
export function buildHttpEvent(input: HttpEventInput): APIGatewayProxyEventV2 {
  const { req, route, body } = input;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const rawPath = query < 0 ? url : url.slice(0, query);
  const rawQueryString = query < 0 ? '' : url.slice(query + 1);
  const sourceIp = peerAddress(req);
  const headers = eventHeaders(req, sourceIp);
  const cookies = (req.headersDistinct.cookie ?? [])
    .flatMap((header) => header.split(';'))
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const queryStringParameters = joinRepeated(new URLSearchParams(rawQueryString));
  // The host without its port, as API Gateway names its own domain.
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const text = isTextContentType(headers['content-type']);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 && { queryStringParameters }),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(input.now),
      timeEpoch: input.now,
    },
    ...(Object.keys(input.pathParameters).length > 0 && { pathParameters: input.pathParameters }),
    ...(body !== undefined && body.length > 0
      ? { body: body.toString(text ? 'utf8' : 'base64'), isBase64Encoded: !text }
      : { isBase64Encoded: false }),
  };
}

/** The peer's address without the IPv4-mapped prefix. */
export function peerAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

// Lowercase names, repeated headers joined with commas; cookies travel in `cookies` instead.
function eventHeaders(req: IncomingMessage, sourceIp: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name !== 'cookie' && values) headers[name] = values.join(',');
  }
  const forwarded = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  return headers;
}

function joinRepeated(params: URLSearchParams): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const name of new Set(params.keys())) joined[name] = params.getAll(name).join(',');
  return joined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the request time format of the event. */
export function clfTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
