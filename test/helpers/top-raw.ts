import { isSignMethod, type SignMethod, sign } from '#lib/top/sign.ts';
import { formatTopTimestamp } from '#lib/top/timestamp.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { TEST_APP } from './top-sim.ts';

/** Form fields as they go on the wire. */
export type Fields = Record<string, string>;

export interface CallFieldsOptions {
  /** The seller's session; none unless given. */
  readonly session?: string;
  /** The instant the timestamp says (default: now). */
  readonly at?: number;
  readonly signMethod?: SignMethod;
}

/** The system params of a call by the test app, plus its business params: everything that gets signed. */
export function callFields(method: string, business: Fields = {}, options: CallFieldsOptions = {}): Fields {
  return {
    method,
    app_key: TEST_APP.appKey,
    timestamp: formatTopTimestamp(options.at ?? Date.now()),
    v: '2.0',
    sign_method: options.signMethod ?? 'hmac-sha256',
    format: 'json',
    ...(options.session !== undefined && { session: options.session }),
    ...business,
  };
}

/** `fields` without the named ones. */
export const omit = (fields: Fields, ...names: string[]): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)));

export interface PostSignedOptions {
  /** Default: the test app's secret. */
  readonly secret?: string;
  /** Fields sent in the query string instead of the body (the official SDKs' system params). */
  readonly query?: readonly string[];
  /** Fields appended to the body after signing, so the signature does not cover them. */
  readonly unsigned?: Fields;
  /** A signature to send instead of the computed one; `null` sends none. */
  readonly sign?: string | null;
}

/**
 * Signs `fields` as the gateway checks them (with their own sign_method, hmac-sha256 if it is missing or
 * unknown) and POSTs them to the simulator's router with the global fetch.
 */
export function postSigned(
  sim: TopSimulator,
  fields: Fields,
  options: PostSignedOptions = {},
): Promise<Response> {
  const method: SignMethod = isSignMethod(fields.sign_method) ? fields.sign_method : 'hmac-sha256';
  const signature =
    options.sign === undefined ? sign(fields, options.secret ?? TEST_APP.appSecret, method) : options.sign;
  const all: Fields = signature === null ? fields : { ...fields, sign: signature };
  const query = new URLSearchParams();
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(all))
    (options.query?.includes(name) ? query : body).append(name, value);
  for (const [name, value] of Object.entries(options.unsigned ?? {})) body.append(name, value);
  const url = new URL(sim.url);
  url.search = query.toString();
  return fetch(url, { method: 'POST', body });
}

/** The parsed body of an answer that must be HTTP 200. */
export async function json200(response: Response): Promise<Record<string, unknown>> {
  if (response.status !== 200) throw new Error(`expected HTTP 200, got ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The `error_response` of a refused call (HTTP 200, that key alone), or a thrown error saying what came instead. */
export async function errorResponse(response: Response): Promise<Record<string, unknown>> {
  const body = await json200(response);
  const error = body.error_response;
  if (Object.keys(body).length !== 1 || !error || typeof error !== 'object') {
    throw new Error(`expected an error_response alone, got ${JSON.stringify(body)}`);
  }
  return error as Record<string, unknown>;
}

/** Calls a `/_sim/...` control route; the answer's status and parsed JSON body. */
export async function simControl(
  sim: TopSimulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.origin}${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
