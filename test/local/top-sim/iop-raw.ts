import { type Dispatcher, request } from 'undici';
import { sign, signIop } from '#lib/top/sign.ts';
import { formatTopTimestamp } from '#lib/top/timestamp.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';

// Raw IOP (and TOP) calls for the simulator's tests: signed here, never through TopClient (in flux).

export type Fields = Record<string, string>;

export const FULFILL = 'aliexpress.solution.order.fulfill';
export const QUERY = 'aliexpress.local.logistics.order.info.query';
export const SEND = 'tmall.ovs.delivery.order.info.send';
export const CREATE = '/auth/token/create';
export const REFRESH = '/auth/token/refresh';

export interface SyncFieldsOptions {
  /** The seller's access token; none unless given. */
  readonly session?: string;
  /** The instant the ms timestamp says (default: now). */
  readonly at?: number;
}

/** The system params of a `/sync` call by the test app, plus its business params. */
export function syncFields(method: string, business: Fields = {}, options: SyncFieldsOptions = {}): Fields {
  return {
    app_key: TEST_APP.appKey,
    method,
    v: '2.0',
    format: 'json',
    timestamp: String(options.at ?? Date.now()),
    sign_method: 'sha256',
    ...(options.session !== undefined && { session: options.session }),
    ...business,
  };
}

/** An app's keys; the test app's unless given. */
export interface App {
  readonly appKey: string;
  readonly appSecret: string;
}

/** The system params of a `/rest` call by the app, plus its own params. */
export const restFields = (business: Fields, at = Date.now(), app: App = TEST_APP): Fields => ({
  app_key: app.appKey,
  timestamp: String(at),
  sign_method: 'sha256',
  ...business,
});

/** The system params of a TOP call by the test app (hmac-sha256), plus its business params. */
export function topFields(method: string, business: Fields = {}, options: SyncFieldsOptions = {}): Fields {
  return {
    method,
    app_key: TEST_APP.appKey,
    timestamp: formatTopTimestamp(options.at ?? Date.now()),
    v: '2.0',
    sign_method: 'hmac-sha256',
    format: 'json',
    ...(options.session !== undefined && { session: options.session }),
    ...business,
  };
}

export interface PostOptions {
  /** Default: the test app's secret. */
  readonly secret?: string;
  /** A signature to send instead of the computed one; `null` sends none. */
  readonly sign?: string | null;
  /** Fields appended after signing, so the signature does not cover them. */
  readonly unsigned?: Fields;
  /** Default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The parsed body; throws if it is not JSON. */
  json(): Record<string, unknown>;
}

async function post(url: string, body: Fields, options: PostOptions): Promise<RawAnswer> {
  const form = new URLSearchParams(body);
  for (const [name, value] of Object.entries(options.unsigned ?? {})) form.append(name, value);
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: form.toString(),
    ...(options.dispatcher && { dispatcher: options.dispatcher }),
  });
  const text = await answer.body.text();
  return {
    status: answer.statusCode,
    headers: answer.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

const signed = (fields: Fields, signature: string | null | undefined, computed: () => string): Fields =>
  signature === null ? fields : { ...fields, sign: signature ?? computed() };

/** `POST {origin}/sync?method=…`, signed with signIop; the method rides in the query, as the SDKs send it. */
export function postSync(origin: string, fields: Fields, options: PostOptions = {}): Promise<RawAnswer> {
  const all = signed(fields, options.sign, () => signIop(fields, options.secret ?? TEST_APP.appSecret));
  const { method, ...body } = all;
  const query = method === undefined ? '' : `?method=${encodeURIComponent(method)}`;
  return post(`${origin}/sync${query}`, body, options);
}

/** `POST {origin}/rest{path}`, the path signed in. */
export function postRest(
  origin: string,
  path: string,
  fields: Fields,
  options: PostOptions = {},
): Promise<RawAnswer> {
  const all = signed(fields, options.sign, () => signIop(fields, options.secret ?? TEST_APP.appSecret, path));
  return post(`${origin}/rest${path}`, all, options);
}

/** `POST {origin}/router/rest`, signed hmac-sha256 as TOP checks it. */
export function postTop(origin: string, fields: Fields, options: PostOptions = {}): Promise<RawAnswer> {
  const all = signed(fields, options.sign, () =>
    sign(fields, options.secret ?? TEST_APP.appSecret, 'hmac-sha256'),
  );
  return post(`${origin}/router/rest`, all, options);
}

/** The `error_response` of a refused `/sync` (or TOP) call: HTTP 200, that key alone. */
export function errorOf(answer: RawAnswer): Record<string, unknown> {
  if (answer.status !== 200) throw new Error(`expected HTTP 200, got ${answer.status}: ${answer.text}`);
  const body = answer.json();
  const error = body.error_response;
  if (Object.keys(body).length !== 1 || !error || typeof error !== 'object')
    throw new Error(`expected an error_response alone, got ${answer.text}`);
  return error as Record<string, unknown>;
}

/** `GET {origin}/oauth/authorize` with these params; the answer unfollowed. */
export async function authorize(
  origin: string,
  params: Fields,
): Promise<{ status: number; location?: string; text: string }> {
  const answer = await request(`${origin}/oauth/authorize?${new URLSearchParams(params)}`, { method: 'GET' });
  const location = answer.headers.location;
  return {
    status: answer.statusCode,
    ...(typeof location === 'string' && { location }),
    text: await answer.body.text(),
  };
}

/** The consent the test app asks a seller for, as the client builds it. */
export const consent = (extra: Fields = {}): Fields => ({
  response_type: 'code',
  force_auth: 'true',
  client_id: TEST_APP.appKey,
  redirect_uri: 'https://app.example.com/oauth/callback',
  state: 'st-1',
  ...extra,
});

/** A code for the seller (default: the simulator's own test seller). */
export async function codeFor(origin: string, seller?: string, app: App = TEST_APP): Promise<string> {
  const answer = await authorize(
    origin,
    consent({ client_id: app.appKey, ...(seller !== undefined && { sim_seller: seller }) }),
  );
  const code = answer.location && new URL(answer.location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${answer.status} ${answer.location ?? answer.text}`);
  return code;
}

/** A token pair from `/rest/auth/token/create`, the body as answered. */
export async function grantFor(
  origin: string,
  at: number,
  seller?: string,
  app: App = TEST_APP,
): Promise<Record<string, unknown>> {
  const code = await codeFor(origin, seller, app);
  const answer = await postRest(origin, CREATE, restFields({ code }, at, app), { secret: app.appSecret });
  const body = answer.json();
  if (body.code !== '0') throw new Error(`token create refused: ${answer.text}`);
  return body;
}
