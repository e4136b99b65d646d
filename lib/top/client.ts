import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { TopError, TopTimeoutError, TopTransportError } from './errors.ts';
import { encodeParams, type TopParams } from './params.ts';
import { readTopResponse } from './response.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, validateRetryPolicy } from './retry.ts';
import { isSignMethod, type SignMethod, sign } from './sign.ts';
import { formatTopTimestamp } from './timestamp.ts';
import { gatewayPool, postForm } from './transport.ts';

/** An app's keys and, for APIs that act for a seller, that seller's session. */
export interface TopCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly session?: string | undefined;
  /** Overrides the client's sign method for this app. */
  readonly signMethod?: SignMethod | undefined;
}

export interface TopClientConfig {
  /** e.g. `https://eco.taobao.com/router/rest`. */
  readonly gatewayUrl: string | URL;
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

function resolveRetry(retry: boolean | Partial<RetryPolicy> | undefined): RetryPolicy | undefined {
  if (retry === undefined || retry === false) return undefined;
  if (retry === true) return DEFAULT_RETRY_POLICY;
  return validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...retry });
}

/** Calls TOP APIs over one keep-alive pool: signs, posts, reads the envelope, classifies errors. */
export class TopClient {
  readonly gatewayUrl: URL;
  readonly deadlineMs: number;
  readonly #retry: RetryPolicy | undefined;
  readonly #signMethod: SignMethod;
  readonly #simplify: boolean;
  readonly #partnerId: string | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #now: () => number;

  constructor(config: TopClientConfig) {
    const unknown = Object.keys(config).filter((key) => !CONFIG_KEYS.has(key));
    if (unknown.length > 0) throw new TypeError(`Unknown TopClient option(s): ${unknown.join(', ')}`);
    this.gatewayUrl = new URL(config.gatewayUrl);
    if (this.gatewayUrl.protocol !== 'https:' && this.gatewayUrl.protocol !== 'http:') {
      throw new TypeError(`gatewayUrl must be http(s), got ${this.gatewayUrl.protocol}`);
    }
    this.deadlineMs = checkDeadline(config.deadlineMs ?? DEFAULT_DEADLINE_MS, 'deadlineMs');
    this.#retry = resolveRetry(config.retry);
    const signMethod = config.signMethod ?? 'hmac-sha256';
    if (!isSignMethod(signMethod)) throw new TypeError(`Unknown signMethod: ${String(signMethod)}`);
    this.#signMethod = signMethod;
    this.#simplify = config.simplify ?? false;
    this.#partnerId = config.partnerId;
    this.#dispatcher = config.dispatcher ?? gatewayPool(this.gatewayUrl.origin);
    this.#now = config.now ?? Date.now;
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
    const deadlineMs = checkDeadline(options.deadlineMs ?? this.deadlineMs, 'deadlineMs');
    const retry = options.retry === undefined ? this.#retry : resolveRetry(options.retry);
    const business = encodeParams(params);
    const clash = Object.keys(business).find((name) => SYSTEM_PARAMS.has(name));
    if (clash) throw new TypeError(`Business param "${clash}" clashes with a TOP system param`);

    const deadlineAt = this.#now() + deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const body = await this.#attempt(method, business, credentials, deadlineAt - this.#now());
        const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
        return { body, requestId, attempts: attempt };
      } catch (error) {
        const delay = retry && error instanceof TopError ? retryDelayMs(error, attempt, retry) : undefined;
        if (delay === undefined || this.#now() + delay + MIN_ATTEMPT_MS > deadlineAt) throw error;
        await sleep(delay);
      }
    }
  }

  /** The exact form fields of one attempt, signed. Exposed for golden wire tests. */
  signedFields(
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
  ): URLSearchParams {
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

  async #attempt(
    method: string,
    business: Record<string, string>,
    credentials: TopCredentials,
    remainingMs: number,
  ): Promise<Record<string, unknown>> {
    if (remainingMs <= 0)
      throw new TopTimeoutError(`TOP ${method}: deadline passed before sending`, { method, sent: false });
    const form = this.signedFields(method, business, credentials).toString();
    const signal = AbortSignal.timeout(Math.ceil(remainingMs));
    let result: Awaited<ReturnType<typeof postForm>>;
    try {
      result = await postForm(this.#dispatcher, this.gatewayUrl, form, signal);
    } catch (cause) {
      if (signal.aborted) {
        throw new TopTimeoutError(`TOP ${method} did not answer within ${Math.ceil(remainingMs)} ms`, {
          method,
          cause,
        });
      }
      const code = (cause as { code?: string }).code ?? (cause as Error).name;
      throw new TopTransportError(`TOP ${method} could not be reached (${code})`, {
        method,
        cause,
        sent: !NOT_SENT_CODES.has(code),
      });
    }
    if (result.status < 200 || result.status > 299) {
      throw new TopTransportError(`TOP ${method} answered HTTP ${result.status}`, {
        method,
        status: result.status,
        // A 5xx from the gateway's front may come after the router took the call; a 4xx does not.
        sent: result.status >= 500,
      });
    }
    return readTopResponse(result.body, method);
  }
}
