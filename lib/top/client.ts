import { exchange, type PreparedCall } from './exchange.ts';
import { formEncoded } from './form.ts';
import type { TopParams } from './params.ts';
import { isProtocol, type Platform, type Protocol, platformOf } from './platform.ts';
import { readIopResponse, readIopRestResponse, readTopResponse } from './response.ts';
import type { HttpDispatcher } from './runtime-undici.ts';
import { isSignMethod, type SignMethod } from './sign.ts';
import {
  businessFields,
  iopFields,
  iopRestFields,
  type Signing,
  type TopCredentials,
  topFields,
} from './signed-fields.ts';
import { dispatcherPoster, type FormPoster, gatewayPool } from './transport.ts';

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
  /** Budget of one call: connect, headers and body. Default 5000 ms. */
  readonly deadlineMs?: number;
  /** Default `hmac-sha256`, the official Java SDK's. */
  readonly signMethod?: SignMethod;
  /** Ask for `simplify=true` bodies (no envelope, no list item wrappers). */
  readonly simplify?: boolean;
  readonly partnerId?: string;
  /**
   * Injected undici dispatcher (an Agent or Pool); default: the container's keep-alive pool for the
   * gateway origin.
   */
  readonly dispatcher?: HttpDispatcher;
  /** Clock for timestamps and deadlines; tests hand in their own. */
  readonly now?: () => number;
}

export interface TopCallOptions {
  readonly deadlineMs?: number;
  /** The platform that serves the API; default from its name (`aliexpress.*` or not). */
  readonly platform?: Platform;
}

/** A successful call: the inner response object and the id the platform gave it. */
export interface TopResult {
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
}

const topResult = (body: Record<string, unknown>): TopResult => ({
  body,
  requestId: typeof body.request_id === 'string' ? body.request_id : undefined,
});

const DEFAULT_DEADLINE_MS = 5_000;
const MAX_DEADLINE_MS = 60_000;

const CONFIG_KEYS = new Set([
  'gatewayUrl',
  'aeGatewayUrl',
  'aeProtocol',
  'deadlineMs',
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
   * Calls `method` once and returns its inner response object, or throws a {@link TopError} whose
   * `kind` and `mayHaveTakenEffect` tell the caller whether and how to try again.
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
        form: formEncoded(iopRestFields(path, business, credentials, this.#signing())),
        poster,
        read: (body) => readIopRestResponse(body, path),
      };
    });
  }

  // Not async itself: its callers are, so what it throws still rejects their promise.
  #send(options: TopCallOptions, prepare: () => PreparedCall): Promise<TopResult> {
    const deadlineMs = checkDeadline(options.deadlineMs ?? this.deadlineMs, 'deadlineMs');
    const deadlineAt = this.#now() + deadlineMs;
    // Signed first: the budget counts from the call, and what is left of it bounds the exchange.
    const call = prepare();
    // One attempt: a caller that retries keeps its own record of what may have reached the platform.
    return exchange(call, deadlineAt - this.#now(), this.#now).then(topResult);
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
        form: formEncoded(topFields(method, business, credentials, this.#signing())),
        poster: this.#topPoster,
        read: (body) => readTopResponse(body, method),
      };
    }
    // The method names the API in the URL, as the platform's SDKs send it; everything else goes in the
    // body, so no token sits in a URL that a proxy might log.
    const { host, poster } = this.#ae();
    const { method: _inUrl, ...fields } = iopFields(method, business, credentials, this.#signing());
    const url = underHost(host, '/sync');
    url.searchParams.set('method', method);
    return {
      label: method,
      url,
      form: formEncoded(fields),
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
   * that serves it). On IOP, `method` travels in the URL and the rest in the body.
   * @internal For golden wire tests.
   */
  signedFields(
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
    protocol: Protocol = this.protocolFor(platformOf(method)),
  ): URLSearchParams {
    const sign = protocol === 'iop' ? iopFields : topFields;
    return new URLSearchParams(sign(method, business, credentials, this.#signing()));
  }

  /**
   * The exact form fields of one IOP `/rest{path}` call, signed with the path.
   * @internal For golden wire tests.
   */
  signedRestFields(
    path: string,
    params: Record<string, string>,
    credentials: TopCredentials,
  ): URLSearchParams {
    return new URLSearchParams(iopRestFields(path, params, credentials, this.#signing()));
  }

  #signing(): Signing {
    return {
      now: this.#now(),
      signMethod: this.#signMethod,
      simplify: this.#simplify,
      partnerId: this.#partnerId,
    };
  }
}
