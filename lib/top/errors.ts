/** How a failed TOP call should be handled, decided once in {@link topErrorFromResponse}. */
export type TopErrorKind = 'transient' | 'rate_limited' | 'auth' | 'permanent';

/** The fields of the platform's `error_response`, in our naming. */
export interface TopErrorFields {
  readonly code?: number | undefined;
  readonly msg?: string | undefined;
  readonly subCode?: string | undefined;
  readonly subMsg?: string | undefined;
  readonly requestId?: string | undefined;
}

interface TopErrorOptions extends TopErrorFields {
  readonly method?: string | undefined;
  readonly cause?: unknown;
}

/** Base of every failure of a TOP call; `kind` says whether and how to retry. */
export abstract class TopError extends Error {
  abstract readonly kind: TopErrorKind;
  readonly code: number | undefined;
  readonly msg: string | undefined;
  readonly subCode: string | undefined;
  readonly subMsg: string | undefined;
  readonly requestId: string | undefined;
  /** The API method that failed, e.g. `aliexpress.solution.order.fulfill`. */
  readonly method: string | undefined;

  constructor(message: string, options: TopErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.msg = options.msg;
    this.subCode = options.subCode;
    this.subMsg = options.subMsg;
    this.requestId = options.requestId;
    this.method = options.method;
  }

  /** Whether the same request may succeed later unchanged. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }

  /**
   * Whether TOP may have carried the call out although it failed here: the request may have
   * reached it and the answer was lost. A caller that needs exactly-once records it.
   */
  get mayHaveTakenEffect(): boolean {
    return false;
  }
}

/** A platform fault (isp.*, code 10); the same request may succeed later. */
export class TopTransientError extends TopError {
  readonly kind = 'transient';

  // isp.top-remote-connection-timeout and its kin: the gateway gave up on a backend that may have acted.
  override get mayHaveTakenEffect(): boolean {
    return /timeout/i.test(this.subCode ?? '');
  }
}

/** Non-2xx, reset, refused, unreadable body: the call never produced an answer from TOP. */
export class TopTransportError extends TopTransientError {
  readonly status: number | undefined;
  readonly #sent: boolean;
  constructor(
    message: string,
    options: TopErrorOptions & {
      status?: number | undefined;
      /** Whether any of the request may have left this process; default `true` (the safe guess). */
      sent?: boolean | undefined;
    } = {},
  ) {
    super(message, options);
    this.status = options.status;
    this.#sent = options.sent ?? true;
  }

  override get mayHaveTakenEffect(): boolean {
    return this.#sent;
  }
}

/** The per-call deadline passed before TOP answered in full. */
export class TopTimeoutError extends TopTransportError {}

/** App or session call limits (code 7, accesscontrol.*); `retryAfterMs` is the ban TOP announced. */
export class TopRateLimitedError extends TopError {
  readonly kind = 'rate_limited';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: TopErrorOptions & { retryAfterMs?: number | undefined } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Missing or invalid session/token (26, 27, 44): reload credentials once, then the seller must re-authorize. */
export class TopAuthError extends TopError {
  readonly kind = 'auth';
}

/** TOP refused the request as such (isv.*, bad arguments, signature, permissions): never retry unchanged. */
export class TopPermanentError extends TopError {
  readonly kind = 'permanent';
}

/** A success envelope whose failure flag is false (`result_success`, `is_success`, `success`). */
export class TopBusinessError extends TopPermanentError {}

const AUTH_CODES = new Set([26, 27, 44]);
// 4 User, 5 Session, 6 Partner, 7 App Call Limited, 8 App Call Exceeds Limited Frequency.
const RATE_LIMIT_CODES = new Set([4, 5, 6, 7, 8]);
// 10 Service Currently Unavailable; 15 (and 50 on some pages) Remote Service Error with no sub_code.
const TRANSIENT_CODES = new Set([10, 15, 50]);

/** Decides the class of an `error_response`: sub_code first, then code; anything unknown is permanent. */
export function classifyTopError(fields: TopErrorFields): TopErrorKind {
  const subCode = fields.subCode?.toLowerCase() ?? '';
  if (subCode.startsWith('isp.')) return 'transient';
  if (subCode.startsWith('accesscontrol.')) return 'rate_limited';
  if (subCode.startsWith('isv.')) return 'permanent';
  const code = fields.code;
  if (code === undefined) return 'permanent';
  if (AUTH_CODES.has(code)) return 'auth';
  if (RATE_LIMIT_CODES.has(code)) return 'rate_limited';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  return 'permanent';
}

const BAN = /ban will last (?:for )?(\d+) (?:more )?seconds?/i;

/** "This ban will last for N more seconds" → (N + 1) s in ms: the ban ends somewhere within the Nth second. */
export function parseBanMs(text: string | undefined): number | undefined {
  const match = text ? BAN.exec(text) : null;
  return match?.[1] ? (Number(match[1]) + 1) * 1000 : undefined;
}

/** The one place an `error_response` becomes a typed error. */
export function topErrorFromResponse(fields: TopErrorFields, method?: string): TopError {
  const kind = classifyTopError(fields);
  const message = describe(fields, method);
  const options = { ...fields, method };
  switch (kind) {
    case 'transient':
      return new TopTransientError(message, options);
    case 'rate_limited':
      return new TopRateLimitedError(message, {
        ...options,
        retryAfterMs: parseBanMs(fields.subMsg) ?? parseBanMs(fields.msg),
      });
    case 'auth':
      return new TopAuthError(message, options);
    case 'permanent':
      return new TopPermanentError(message, options);
  }
}

function describe(fields: TopErrorFields, method: string | undefined): string {
  const parts = [`TOP ${method ?? 'call'} failed`];
  if (fields.code !== undefined) parts.push(`code ${fields.code}${fields.msg ? ` (${fields.msg})` : ''}`);
  if (fields.subCode) parts.push(`sub_code ${fields.subCode}${fields.subMsg ? ` (${fields.subMsg})` : ''}`);
  if (fields.requestId) parts.push(`request_id ${fields.requestId}`);
  return parts.join(', ');
}
