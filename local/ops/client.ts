import { STATUS_CODES } from 'node:http';
import type { OutgoingRequest, Signer } from './sign.ts';

/** A 2xx answer: its JSON body (undefined when empty, as a 204's). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The API answered other than 2xx: an RFC 9457 problem, API Gateway's `{ message }`, or anything. */
export class ApiError extends Error {
  readonly status: number;
  readonly statusText: string;
  /** The JSON body, when there was one. */
  readonly body: unknown;
  constructor(status: number, statusText: string, body: unknown, text: string) {
    super(`${status} ${statusText}${text === '' ? '' : `: ${text.slice(0, 500)}`}`);
    this.name = 'ApiError';
    this.status = status;
    this.statusText = statusText;
    this.body = body;
  }
}

/** No usable answer: refused, reset, timed out, no credentials to sign with, or a 2xx that is not JSON. */
export class RequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RequestError';
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export type QueryValue = string | number | boolean | undefined;

export interface OpsClient {
  /** The base URL every path is joined to. */
  readonly base: string;
  /** Resolves a 2xx answer; throws {@link ApiError} for any other, {@link RequestError} without one. */
  call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options?: { readonly query?: Readonly<Record<string, QueryValue>>; readonly body?: unknown },
  ): Promise<ApiAnswer>;
}

export interface OpsClientOptions {
  /** The API's base URL, with its stage path if any. */
  readonly base: string;
  /** Signs each request (SigV4); none for the local stack. */
  readonly signer?: Signer | undefined;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** RFC 3986 percent-encoding, as SigV4's canonical query has it (`encodeURIComponent` leaves `!'()*`). */
export const encodeRfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The query string in SigV4's canonical form (sorted, RFC 3986), so what is signed is what is sent. */
export function queryString(query: Readonly<Record<string, QueryValue>>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(String(value))] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Fetch against the operator API, signing each request when a signer is given. */
export function opsClient(options: OpsClientOptions): OpsClient {
  const base = options.base.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  return {
    base,
    async call(method, path, { query = {}, body } = {}) {
      const search = queryString(query);
      const url = new URL(`${base}${path}${search === '' ? '' : `?${search}`}`);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const request: OutgoingRequest = {
        method,
        url,
        headers: text === undefined ? {} : { 'content-type': 'application/json' },
        body: text,
      };
      let headers: Record<string, string> = { ...request.headers };
      if (options.signer) {
        try {
          headers = await options.signer(request);
        } catch (error) {
          throw new RequestError(
            `cannot sign the request to ${url.origin}: ${(error as Error).message} ` +
              '(AWS credentials come from the environment, AWS_PROFILE, `aws sso login`, … as for `aws`)',
            { cause: error },
          );
        }
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          // Accept is not signed: it changes nothing the API does.
          headers: { accept: 'application/json, application/problem+json', ...headers },
          ...(text !== undefined && { body: text }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        const hint = LOOPBACK.test(url.hostname) ? ' (is npm start running?)' : '';
        throw new RequestError(
          `cannot reach ${url.origin}: ${cause?.message ?? (error as Error).message}${hint}`,
          { cause: error },
        );
      }
      const raw = await response.text();
      const parsed = parseJson(raw);
      if (!response.ok) {
        // HTTP/2 has no reason phrase: the standard one stands in.
        const statusText = response.statusText || STATUS_CODES[response.status] || '';
        throw new ApiError(response.status, statusText, parsed, raw);
      }
      if (raw !== '' && parsed === undefined)
        throw new RequestError(`${method} ${url.pathname}: the answer is not JSON: ${raw.slice(0, 200)}`);
      return { status: response.status, body: parsed };
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
