/** How a failed TOP call should be handled, decided once in {@link topErrorFromResponse}. */
export type TopErrorKind = 'transient' | 'rate_limited' | 'auth' | 'permanent';

/** The fields of the platform's `error_response`, in our naming. */
export interface TopErrorFields {
  /** A number on TOP (`27`), a name on IOP (`IllegalAccessToken`). */
  readonly code?: number | string | undefined;
  /** IOP's fault class: `ISV` (the caller's), `ISP` (the platform's) or `SYSTEM`; absent on TOP. */
  readonly type?: string | undefined;
  readonly msg?: string | undefined;
  readonly subCode?: string | undefined;
  readonly subMsg?: string | undefined;
  readonly requestId?: string | undefined;
}

interface TopErrorOptions extends TopErrorFields {
  readonly method?: string | undefined;
  readonly cause?: unknown;
}

/** Base of every failure of a call to either platform (TOP or IOP); `kind` says whether and how to retry. */
export abstract class TopError extends Error {
  abstract readonly kind: TopErrorKind;
  readonly code: number | string | undefined;
  readonly type: string | undefined;
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
    this.type = options.type;
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

  // isp.top-remote-connection-timeout, IOP's ServiceTimeout and their kin: the gateway gave up on a
  // backend that may have acted.
  override get mayHaveTakenEffect(): boolean {
    return /timeout/i.test(`${typeof this.code === 'string' ? this.code : ''} ${this.subCode ?? ''}`);
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

/**
 * Error codes by class, both platforms in one table: a code met for the first time is one line here.
 * TOP's are numbers (as text), IOP's are names. Codes not listed are classed by sub_code, then by type.
 */
export const ERROR_CODE_KINDS: Readonly<Record<string, TopErrorKind>> = {
  // TOP: 4 User, 5 Session, 6 Partner, 7 App Call Limited, 8 App Call Exceeds Limited Frequency.
  '4': 'rate_limited',
  '5': 'rate_limited',
  '6': 'rate_limited',
  '7': 'rate_limited',
  '8': 'rate_limited',
  // TOP: 10 Service Currently Unavailable; 15 (and 50 on some pages) Remote Service Error, no sub_code.
  '10': 'transient',
  '15': 'transient',
  '50': 'transient',
  // TOP: 26 Missing Session, 27 Invalid Session, 44 session of another app.
  '26': 'auth',
  '27': 'auth',
  '44': 'auth',
  // IOP: an access token invalid or expired; refetch once, then the seller must authorize again.
  IllegalAccessToken: 'auth',
  // IOP: a refresh token invalid, used or past its end; only a new authorization helps.
  IllegalRefreshToken: 'auth',
  ApiCallLimit: 'rate_limited',
  IncompleteSignature: 'permanent',
  InvalidApiPath: 'permanent',
  // The app's IP allow-list: a caller without a fixed egress address (see the egressIp option).
  AppWhiteIpLimit: 'permanent',
};

const kindOfCode = (code: string): TopErrorKind | undefined =>
  Object.hasOwn(ERROR_CODE_KINDS, code) ? ERROR_CODE_KINDS[code] : undefined;

/**
 * Decides the class of an error answer. An IOP code name is decisive; otherwise the sub_code's family
 * (isp. / accesscontrol. / isv.), then TOP's numeric code, then IOP's type (ISP and SYSTEM are the
 * platform's fault, ISV the caller's). Anything else is permanent: never retried blindly.
 */
export function classifyTopError(fields: TopErrorFields): TopErrorKind {
  const { code } = fields;
  // TOP's codes are numbers, sometimes sent as text; IOP's are names.
  const numbered = typeof code === 'number' || /^\d+$/.test(code ?? '') ? String(code) : undefined;
  const named = typeof code === 'string' && numbered === undefined ? kindOfCode(code) : undefined;
  if (named) return named;
  if (parseBanMs(fields.subMsg) ?? parseBanMs(fields.msg)) return 'rate_limited';
  const subCode = fields.subCode?.toLowerCase() ?? '';
  if (subCode.startsWith('isp.')) return 'transient';
  if (subCode.startsWith('accesscontrol.')) return 'rate_limited';
  if (subCode.startsWith('isv.')) return 'permanent';
  const byNumber = numbered === undefined ? undefined : kindOfCode(numbered);
  if (byNumber) return byNumber;
  const type = fields.type?.toUpperCase();
  if (type === 'ISP' || type === 'SYSTEM') return 'transient';
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
  const parts = [`${method ?? 'The call'} failed`];
  if (fields.type) parts.push(`type ${fields.type}`);
  if (fields.code !== undefined) parts.push(`code ${fields.code}${fields.msg ? ` (${fields.msg})` : ''}`);
  if (fields.subCode) parts.push(`sub_code ${fields.subCode}${fields.subMsg ? ` (${fields.subMsg})` : ''}`);
  if (fields.requestId) parts.push(`request_id ${fields.requestId}`);
  return parts.join(', ');
}
