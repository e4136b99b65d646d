import { TOP_APIS } from '#lib/top/apis/index.ts';
import { IOP_SIGN_METHOD, signIop } from '#lib/top/sign.ts';
import type { GatewayFault } from './calls.ts';
import type { SimApp, TopApiEntry } from './protocol.ts';
import type { SimError } from './wire.ts';

/** Whose fault an IOP error is: the caller's (ISV), the platform's (ISP) or the gateway's (SYSTEM). */
export type IopErrorType = 'ISV' | 'ISP' | 'SYSTEM';

/** An IOP error; `code` is a string on the platform, an injected fault may write a number. */
export interface IopError {
  readonly type: IopErrorType;
  readonly code: string | number;
  readonly msg: string;
  readonly sub_code?: string;
  readonly sub_msg?: string;
}

/** The `/rest` APIs the simulator serves, by their path below `/rest`. */
export const REST_PATHS = ['/auth/token/create', '/auth/token/refresh'] as const;
export type RestPath = (typeof REST_PATHS)[number];

const TIMESTAMP_TOLERANCE_MS = 7200 * 1000;

/** `/sync` error: the `error_response` envelope, HTTP 200. */
export const syncErrorBody = (error: IopError, requestId: string): string =>
  JSON.stringify({ error_response: { ...error, request_id: requestId } });

/** `/rest` error: flat, `message` rather than `msg`. */
export function restErrorBody(error: IopError, requestId: string): string {
  const { type, code, msg, sub_code, sub_msg } = error;
  return JSON.stringify({
    code,
    type,
    message: msg,
    ...(sub_code && { sub_code }),
    ...(sub_msg && { sub_msg }),
    request_id: requestId,
  });
}

/** `/rest` success: flat, `code: "0"`. */
export const restSuccessBody = (fields: object, requestId: string): string =>
  JSON.stringify({ code: '0', ...fields, request_id: requestId });

const isv = (code: string, msg: string, sub_msg?: string): IopError => ({
  type: 'ISV',
  code,
  msg,
  ...(sub_msg && { sub_msg }),
});

/** The error codes the simulator answers with on IOP, named as the platform (or clearly) names them. */
export const IOP_ERRORS = {
  invalidApiPath: (what: string) => isv('InvalidApiPath', `The specified API path is invalid: ${what}`),
  missingParameter: (name: string) => isv('MissingParameter', `Missing required parameter: ${name}`),
  invalidParameter: (msg: string, sub_msg?: string) => isv('InvalidParameter', msg, sub_msg),
  invalidAppKey: isv('InvalidAppKey', 'The app key is invalid'),
  incompleteSignature: (detail: string) =>
    isv('IncompleteSignature', 'The request signature does not conform to platform standards', detail),
  invalidTimestamp: isv(
    'InvalidTimestamp',
    'The timestamp must be epoch milliseconds within 7200 seconds of the server time',
  ),
  invalidVersion: isv('InvalidVersion', 'Only v=2.0 is supported'),
  invalidFormat: isv('InvalidFormat', 'The simulator answers format=json only'),
  illegalAccessToken: (why: string) =>
    isv('IllegalAccessToken', 'The specified access token is invalid', why),
  illegalRefreshToken: (why: string) =>
    isv('IllegalRefreshToken', 'The specified refresh token is invalid', why),
  invalidCode: (why: string) => isv('InvalidCode', 'The authorization code is invalid', why),
  apiCallLimit: (seconds: number): IopError => ({
    type: 'ISV',
    code: 'ApiCallLimit',
    // Clients read the ban from msg or sub_msg; both carry it.
    msg: `This ban will last for ${seconds} more seconds`,
    sub_code: 'accesscontrol.limited-by-app-access-count',
    sub_msg: `This ban will last for ${seconds} more seconds`,
  }),
  platformFault: (
    subCode = 'isp.top-remote-connection-timeout',
    subMsg = 'remote service timed out',
  ): IopError =>
    /time[ds]?[-_ ]?out/i.test(subCode)
      ? {
          type: 'ISP',
          code: 'ServiceTimeout',
          msg: 'The service timed out',
          sub_code: subCode,
          sub_msg: subMsg,
        }
      : {
          type: 'ISP',
          code: 'ServiceUnavailable',
          msg: 'The service is unavailable',
          sub_code: subCode,
          sub_msg: subMsg,
        },
  /** An API rule's TOP refusal (40, 41, 50 isv.invalid-parameter) in IOP's words, its message kept. */
  fromRules: (error: SimError): IopError => ({
    type: 'ISV',
    code: error.code === 40 ? 'MissingParameter' : 'InvalidParameter',
    msg: error.msg,
    ...(error.sub_code && { sub_code: error.sub_code }),
    ...(error.sub_msg && { sub_msg: error.sub_msg }),
  }),
} as const;

/** A gateway fault in IOP's words; an injected error is written as given, ISV unless it says. */
export function iopFaultError(hit: GatewayFault): IopError {
  if (hit.kind === 'ban') return IOP_ERRORS.apiCallLimit(hit.seconds);
  if (hit.kind === 'isp') return IOP_ERRORS.platformFault(hit.fault.sub_code, hit.fault.sub_msg);
  const { code, msg, sub_code, sub_msg, error_type } = hit.fault;
  return { type: error_type ?? 'ISV', code, msg, ...(sub_code && { sub_code }), ...(sub_msg && { sub_msg }) };
}

/** App key, signature (over `apiPath` + params) and epoch-ms timestamp: what both IOP shapes check. */
function checkSigned(
  fields: Readonly<Record<string, string>>,
  app: SimApp,
  now: number,
  apiPath: string,
): IopError | undefined {
  const { app_key, sign, sign_method, timestamp } = fields;
  if (!app_key) return IOP_ERRORS.missingParameter('app_key');
  if (app_key !== app.appKey) return IOP_ERRORS.invalidAppKey;
  if (!sign) return IOP_ERRORS.incompleteSignature('missing sign');
  if (sign_method !== IOP_SIGN_METHOD)
    return IOP_ERRORS.incompleteSignature(`unsupported sign_method ${sign_method ?? ''}`);
  if (signIop(fields, app.appSecret, apiPath) !== sign.toUpperCase())
    return IOP_ERRORS.incompleteSignature('signature mismatch');
  if (!timestamp) return IOP_ERRORS.missingParameter('timestamp');
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Number(timestamp) - now) > TIMESTAMP_TOLERANCE_MS)
    return IOP_ERRORS.invalidTimestamp;
  return undefined;
}

/**
 * What IOP checks on `/sync` before any API runs, in its order: method, app key, signature, timestamp,
 * version, format, access token. Only `aliexpress.*` APIs live on IOP; Tmall's stay on TOP.
 */
export function checkSync(
  fields: Readonly<Record<string, string>>,
  app: SimApp,
  now: number,
): { api: TopApiEntry } | { error: IopError } {
  const { method, v, format, session } = fields;
  const api = method?.startsWith('aliexpress.') ? TOP_APIS[method] : undefined;
  if (!api) return { error: IOP_ERRORS.invalidApiPath(method ?? '(no method)') };
  const signed = checkSigned(fields, app, now, '');
  if (signed) return { error: signed };
  if (!v) return { error: IOP_ERRORS.missingParameter('v') };
  if (v !== '2.0') return { error: IOP_ERRORS.invalidVersion };
  if (format !== 'json') return { error: IOP_ERRORS.invalidFormat };
  if (session === undefined) {
    if (api.requiresSession) return { error: IOP_ERRORS.illegalAccessToken('missing access token') };
  } else {
    const status = app.tokens.accessStatus(session, now);
    if (status !== 'valid') return { error: IOP_ERRORS.illegalAccessToken(`${status} access token`) };
  }
  return { api };
}

/** What IOP checks on a `/rest` call before it runs: the path, then app key, signature, timestamp. */
export function checkRest(
  path: string,
  fields: Readonly<Record<string, string>>,
  app: SimApp,
  now: number,
): { path: RestPath } | { error: IopError } {
  const known = REST_PATHS.find((p) => p === path);
  if (!known) return { error: IOP_ERRORS.invalidApiPath(path) };
  const signed = checkSigned(fields, app, now, known);
  return signed ? { error: signed } : { path: known };
}
