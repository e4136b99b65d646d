import type { OutgoingHttpHeaders } from 'node:http';
import type { HttpResponse } from './result.ts';

/** An RFC 9457 problem answered by the gateway itself, before any function runs. */
export function problemResponse(
  status: number,
  title: string,
  detail: string,
  instance: string,
  headers: OutgoingHttpHeaders = {},
): HttpResponse {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, instance });
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: Buffer.from(body),
    warnings: [],
  };
}

/** API Gateway's own answers when the integration fails: a generic body that gives nothing away. */
export const INTERNAL_SERVER_ERROR = awsMessage(500, 'Internal Server Error');
export const SERVICE_UNAVAILABLE = awsMessage(503, 'Service Unavailable');

function awsMessage(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
    warnings: [],
  };
}
