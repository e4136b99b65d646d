import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { TopError, TopTimeoutError, TopTransportError } from './errors.ts';
import { encodeParams, type TopParams } from './params.ts';
import { isProtocol, type Platform, type Protocol, platformOf } from './platform.ts';
import { readIopResponse, readIopRestResponse, readTopResponse } from './response.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, validateRetryPolicy } from './retry.ts';
import { IOP_SIGN_METHOD, isSignMethod, type SignMethod, sign, signIop } from './sign.ts';
import { formatTopTimestamp } from './timestamp.ts';
import { dispatcherPoster, type FormPoster, gatewayPool } from './transport.ts';

/** An app's keys and, for APIs that act for a seller, that seller's session (access token). */
export interface TopCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly session?: string | undefined;
  /** Overrides the client's sign method for this app on TOP; IOP signs with sha256 only. */
  readonly signMethod?: SignMethod | undefined;
}

export interface TopClientConfig {
  /** Tmall's TOP gateway, e.g. `https://eco.taobao.com/router/rest`. */
  readonly gatewayUrl: string | URL;
  /**
   * The AliExpress Open Platform's host, e.g. `https://api-sg.aliexpress.com`; the client appends
   * `/sync` and `/rest/…`. Required unless `aeProtocol` is `top`.
   */
  readonly aeGatewayUrl?: string | URL;
  /**
   * How `aliexpress.*` APIs are called: `iop` (default), or `top` for accounts that still have them
   * on the TOP gateway at `gatewayUrl`.
   */
  readonly aeProtocol?: Protocol;
  /** Budget of one call, retries included: connect, headers and body. Default 5000 ms. */
  readonly deadlineMs?: number;
  /** In-call retries of transient errors; off unless given (`true` = the default policy). */
  readonly retry?: boolean | Partial<RetryPolicy>;
  /** Default `hmac-sha256`, the official Java SDK's. */
  readonly signMethod?: SignMethod;
  /** Ask for `simplify=true` bodies (no envelope, no list item wrappers). */
  readonly simplify?: boolean;
  readonly partnerId?: string;
  /** Injected HTTP dispatcher; default: the container's keep-alive pool for the gateway origin. */
  readonly dispatcher?: Dispatcher;
  /** Clock for timestamps and deadlines; tests hand in their own. */
  readonly now?: () => number;
}

export interface TopCallOptions {
  readonly deadlineMs?: number;
  readonly retry?: boolean | Partial<RetryPolicy>;
  /** The platform that serves the API; default from its name (`aliexpress.*` or not). */
  readonly platform?: Platform;
}

/** A successful call: the inner response object and the id TOP gave it. */
export interface TopResult {
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
  readonly attempts: number;
}

export const DEFAULT_DEADLINE_MS = 5_000;
const MAX_DEADLINE_MS = 60_000;
// A retry is only worth making with at least this much of the deadline left after the wait.
const MIN_ATTEMPT_MS = 100;

// Failures of the connection itself: nothing of the request can have reached TOP.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const SYSTEM_PARAMS = new Set([
  'method',
  'app_key',
  'session',
  'timestamp',
  'v',
  'sign_method',
  'sign',
  'format',
  'simplify',
  'partner_id',
  'target_app_key',
]);
const CONFIG_KEYS = new Set([
  'gatewayUrl',
  'aeGatewayUrl',
  'aeProtocol',
  'deadlineMs',
  'retry',
  'signMethod',
  'simplify',
  'partnerId',
  'dispatcher',
  'now',
]);

function checkDeadline(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_DEADLINE_MS) {
    throw new RangeError(`${name} must be between 1 and ${MAX_DEADLINE_MS} ms, got ${ms}`);
  }
  return ms;
}

function httpUrl(value: string | URL, name: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${name} must be http(s), got ${url.protocol}`);
  }
  return url;
}

/** `{host}` + `/sync`: the host may carry a path prefix (a proxy, the simulator), kept as is. */
function underHost(host: URL, path: string): URL {
  const url = new URL(host);
  url.pathname = `${host.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  return url;
}

/** One attempt's request, ready to send, and how to read its answer. */
interface PreparedCall {
  /** The API's name or path, for errors. */
  readonly label: string;
  readonly url: URL;
  readonly form: string;
  readonly poster: FormPoster;
  readonly read: (body: string) => Record<string, unknown>;
}

/** Business params as form fields; a name that is a system param is refused, not silently overridden. */
function businessFields(params: TopParams): Record<string, string> {
  const business = encodeParams(params);
  const clash = Object.keys(business).find((name) => SYSTEM_PARAMS.has(name));
  if (clash) throw new TypeError(`Business param "${clash}" clashes with a system param`);
  return business;
}

function resolveRetry(retry: boolean | Partial<RetryPolicy> | undefined): RetryPolicy | undefined {
  if (retry === undefined || retry === false) return undefined;
  if (retry === true) return DEFAULT_RETRY_POLICY;
  return validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...retry });
}

/**
 * Calls the platforms' APIs, each over the protocol that serves it: Tmall's on the TOP gateway,
 * AliExpress' on the AliExpress Open Platform (IOP) unless configured otherwise. Signs, posts over a
 * keep-alive pool per host, reads the answer and classifies errors into one {@link TopError} family.
 */
export class TopClient {
  readonly gatewayUrl: URL;
  readonly aeGatewayUrl: URL | undefined;
  readonly aeProtocol: Protocol;
  readonly deadlineMs: number;
  readonly #retry: RetryPolicy | undefined;
  readonly #signMethod: SignMethod;
  readonly #simplify: boolean;
  readonly #partnerId: string | undefined;
  readonly #topPoster: FormPoster;
  readonly #aePoster: FormPoster | undefined;
  readonly #now: () => number;

  constructor(config: TopClientConfig) {
    const unknown = Object.keys(config).filter((key) => !CONFIG_KEYS.has(key));
    if (unknown.length > 0) throw new TypeError(`Unknown TopClient option(s): ${unknown.join(', ')}`);
    this.gatewayUrl = httpUrl(config.gatewayUrl, 'gatewayUrl');
    const aeProtocol = config.aeProtocol ?? 'iop';
    if (!isProtocol(aeProtocol)) throw new TypeError(`Unknown aeProtocol: ${String(aeProtocol)}`);
    this.aeProtocol = aeProtocol;
    this.aeGatewayUrl =
      config.aeGatewayUrl === undefined ? undefined : httpUrl(config.aeGatewayUrl, 'aeGatewayUrl');
    if (aeProtocol === 'iop' && !this.aeGatewayUrl) {
      throw new TypeError("aeGatewayUrl is required unless aeProtocol is 'top'");
    }
    this.deadlineMs = checkDeadline(config.deadlineMs ?? DEFAULT_DEADLINE_MS, 'deadlineMs');
    this.#retry = resolveRetry(config.retry);
    const signMethod = config.signMethod ?? 'hmac-sha256';
    if (!isSignMethod(signMethod)) throw new TypeError(`Unknown signMethod: ${String(signMethod)}`);
    this.#signMethod = signMethod;
    this.#simplify = config.simplify ?? false;
    this.#partnerId = config.partnerId;
    const poster = (url: URL) =>
      config.dispatcher ? dispatcherPoster(config.dispatcher) : gatewayPool(url.origin);
    this.#topPoster = poster(this.gatewayUrl);
    this.#aePoster = this.aeGatewayUrl && poster(this.aeGatewayUrl);
    this.#now = config.now ?? Date.now;
  }

  /** The protocol an API of `platform` is called over. */
  protocolFor(platform: Platform): Protocol {
    return platform === 'aliexpress' ? this.aeProtocol : 'top';
  }

  /**
   * Calls `method` and returns its inner response object, or throws a {@link TopError}. With a retry
   * policy, transient failures are retried, never past the deadline.
   */
  async call(
    method: string,
    params: TopParams,
    credentials: TopCredentials,
    options: TopCallOptions = {},
  ): Promise<TopResult> {
    const business = businessFields(params);
    const protocol = this.protocolFor(options.platform ?? platformOf(method));
    return this.#send(options, () => this.#prepare(protocol, method, business, credentials));
  }

  /**
   * Calls an IOP path API (`/auth/token/create`, `/auth/token/refresh`) with the app's keys: flat
   * params, the path signed in, a flat answer (`code` "0" and the fields) returned as the body.
   */
  async rest(
    path: string,
    params: TopParams,
    credentials: TopCredentials,
    options: Omit<TopCallOptions, 'platform'> = {},
  ): Promise<TopResult> {
    if (!/^\/[A-Za-z0-9/_.-]+$/.test(path)) throw new TypeError(`Not an API path: ${path}`);
    const business = businessFields(params);
    return this.#send(options, () => {
      const { host, poster } = this.#ae();
      return {
        label: path,
        url: underHost(host, `/rest${path}`),
        form: this.signedRestFields(path, business, credentials).toString(),
        poster,
        read: (body) => readIopRestResponse(body, path),
      };
    });
  }

  async #send(options: TopCallOptions, prepare: () => PreparedCall): Promise<TopResult> {
    const deadlineMs = checkDeadline(options.deadlineMs ?? this.deadlineMs, 'deadlineMs');
    const retry = options.retry === undefined ? this.#retry : resolveRetry(options.retry);
    const deadlineAt = this.#now() + deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        // Signed afresh each attempt: the timestamp is part of the signature.
        const body = await this.#attempt(prepare(), deadlineAt - this.#now());
        const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
        return { body, requestId, attempts: attempt };
      } catch (error) {
        const delay = retry && error instanceof TopError ? retryDelayMs(error, attempt, retry) : undefined;
        if (delay === undefined || this.#now() + delay + MIN_ATTEMPT_MS > deadlineAt) throw error;
        await sleep(delay);
      }
    }
  }

  #prepare(
    protocol: Protocol,
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
  ): PreparedCall {
    if (protocol === 'top') {
      return {
        label: method,
        url: this.gatewayUrl,
        form: this.signedFields(method, business, credentials, 'top').toString(),
        poster: this.#topPoster,
        read: (body) => readTopResponse(body, method),
      };
    }
    // The method names the API in the URL, as the platform's SDKs send it; everything else goes in the
    // body, so no token sits in a URL that a proxy might log.
    const { host, poster } = this.#ae();
    const fields = this.signedFields(method, business, credentials, 'iop');
    fields.delete('method');
    const url = underHost(host, '/sync');
    url.searchParams.set('method', method);
    return {
      label: method,
      url,
      form: fields.toString(),
      poster,
      read: (body) => readIopResponse(body, method),
    };
  }

  #ae(): { readonly host: URL; readonly poster: FormPoster } {
    if (!this.aeGatewayUrl || !this.#aePoster) {
      throw new TypeError('This client has no aeGatewayUrl: IOP cannot be called');
    }
    return { host: this.aeGatewayUrl, poster: this.#aePoster };
  }

  /**
   * The exact fields of one attempt of `method`, signed, over the protocol given (default: the one
   * that serves it). On IOP, `method` travels in the URL and the rest in the body. For golden wire tests.
   */
  signedFields(
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
    protocol: Protocol = this.protocolFor(platformOf(method)),
  ): URLSearchParams {
    if (protocol === 'iop') return this.#signedIopFields(method, business, credentials);
    const signMethod = credentials.signMethod ?? this.#signMethod;
    const fields: Record<string, string> = {
      method,
      app_key: credentials.appKey,
      timestamp: formatTopTimestamp(this.#now()),
      v: '2.0',
      sign_method: signMethod,
      format: 'json',
      ...business,
    };
    if (this.#simplify) fields.simplify = 'true';
    if (credentials.session?.trim()) fields.session = credentials.session;
    if (this.#partnerId?.trim()) fields.partner_id = this.#partnerId;
    fields.sign = sign(fields, credentials.appSecret, signMethod);
    return new URLSearchParams(fields);
  }

  #signedIopFields(
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
  ): URLSearchParams {
    const fields: Record<string, string> = {
      method,
      app_key: credentials.appKey,
      timestamp: String(this.#now()),
      v: '2.0',
      sign_method: IOP_SIGN_METHOD,
      format: 'json',
      ...business,
    };
    if (this.#simplify) fields.simplify = 'true';
    if (credentials.session?.trim()) fields.session = credentials.session;
    if (this.#partnerId?.trim()) fields.partner_id = this.#partnerId;
    fields.sign = signIop(fields, credentials.appSecret);
    return new URLSearchParams(fields);
  }

  /** The exact form fields of one IOP `/rest{path}` call, signed with the path. For golden wire tests. */
  signedRestFields(
    path: string,
    params: Record<string, string>,
    credentials: TopCredentials,
  ): URLSearchParams {
    const fields: Record<string, string> = {
      app_key: credentials.appKey,
      timestamp: String(this.#now()),
      sign_method: IOP_SIGN_METHOD,
      ...params,
    };
    if (this.#partnerId?.trim()) fields.partner_id = this.#partnerId;
    fields.sign = signIop(fields, credentials.appSecret, path);
    return new URLSearchParams(fields);
  }

  async #attempt(call: PreparedCall, remainingMs: number): Promise<Record<string, unknown>> {
    const method = call.label;
    if (remainingMs <= 0)
      throw new TopTimeoutError(`${method}: deadline passed before sending`, { method, sent: false });
    const signal = AbortSignal.timeout(Math.ceil(remainingMs));
    let result: Awaited<ReturnType<FormPoster['post']>>;
    try {
      result = await call.poster.post({ url: call.url, form: call.form, signal, clock: this.#now });
    } catch (cause) {
      if (signal.aborted) {
        throw new TopTimeoutError(`${method} did not answer within ${Math.ceil(remainingMs)} ms`, {
          method,
          cause,
        });
      }
      const code = (cause as { code?: string }).code ?? (cause as Error).name;
      throw new TopTransportError(`${method} could not be reached (${code})`, {
        method,
        cause,
        sent: !NOT_SENT_CODES.has(code),
      });
    }
    if (result.status < 200 || result.status > 299) {
      throw new TopTransportError(`${method} answered HTTP ${result.status}`, {
        method,
        status: result.status,
        // A 5xx from the gateway's front may come after the router took the call; a 4xx does not.
        sent: result.status >= 500,
      });
    }
    return call.read(result.body);
  }
}
