import { describe, expect, it } from 'vitest';
import {
  classifyTopError,
  parseBanMs,
  TopAuthError,
  TopBusinessError,
  type TopErrorFields,
  type TopErrorKind,
  TopPermanentError,
  TopRateLimitedError,
  TopTimeoutError,
  TopTransientError,
  TopTransportError,
  topErrorFromResponse,
} from '#lib/top/errors.ts';

const METHOD = 'aliexpress.solution.order.fulfill';

type ErrorClass =
  | typeof TopTransientError
  | typeof TopRateLimitedError
  | typeof TopAuthError
  | typeof TopPermanentError;

// [case, error_response fields, kind, class]
// biome-ignore format: a table reads best one row per line
const TABLE: ReadonlyArray<readonly [string, TopErrorFields, TopErrorKind, ErrorClass]> = [
  // sub_code prefixes
  ['isp.* (platform fault)', { code: 15, msg: 'Remote service error', subCode: 'isp.unknown-error' }, 'transient', TopTransientError],
  ['isp.* with any code', { code: 40, subCode: 'isp.remote-service-timeout' }, 'transient', TopTransientError],
  ['ISP.* in upper case', { code: 15, subCode: 'ISP.top-remote-connection-timeout' }, 'transient', TopTransientError],
  ['accesscontrol.*', { code: 7, subCode: 'accesscontrol.limited-by-api-access-count' }, 'rate_limited', TopRateLimitedError],
  ['isv.*', { code: 50, msg: 'Remote service error', subCode: 'isv.invalid-parameter', subMsg: '非法参数' }, 'permanent', TopPermanentError],
  ['isv.* even with code 15', { code: 15, msg: 'Remote service error', subCode: 'isv.invalid-parameter' }, 'permanent', TopPermanentError],
  // sub_code decides over code
  ['isp.* over auth code 27', { code: 27, subCode: 'isp.system-busy' }, 'transient', TopTransientError],
  ['isv.* over rate-limit code 7', { code: 7, subCode: 'isv.invalid-parameter' }, 'permanent', TopPermanentError],
  ['isv.* over transient code 10', { code: 10, subCode: 'isv.item-not-exist' }, 'permanent', TopPermanentError],
  ['accesscontrol.* over permanent code 40', { code: 40, subCode: 'accesscontrol.limited' }, 'rate_limited', TopRateLimitedError],
  // codes, no sub_code
  ['code 4 (User call limited)', { code: 4, msg: 'User Call Limited' }, 'rate_limited', TopRateLimitedError],
  ['code 5 (Session call limited)', { code: 5, msg: 'Session Call Limited' }, 'rate_limited', TopRateLimitedError],
  ['code 6 (Partner call limited)', { code: 6, msg: 'Partner Call Limited' }, 'rate_limited', TopRateLimitedError],
  ['code 7 (App call limited)', { code: 7, msg: 'App Call Limited' }, 'rate_limited', TopRateLimitedError],
  ['code 8 (App call exceeds limited frequency)', { code: 8, msg: 'App Call Exceeds Limited Frequency' }, 'rate_limited', TopRateLimitedError],
  ['code 10 (Service currently unavailable)', { code: 10, msg: 'Service Currently Unavailable' }, 'transient', TopTransientError],
  ['code 26 (Missing session)', { code: 26, msg: 'Missing Session' }, 'auth', TopAuthError],
  ['code 27 (Invalid session)', { code: 27, msg: 'Invalid Session' }, 'auth', TopAuthError],
  ['code 44 (Invalid token)', { code: 44, msg: 'Invalid Token' }, 'auth', TopAuthError],
  ['code 40 (Missing required arguments)', { code: 40, msg: 'Missing Required Arguments' }, 'permanent', TopPermanentError],
  ['code 41 (Invalid arguments)', { code: 41, msg: 'Invalid Arguments' }, 'permanent', TopPermanentError],
  ['code 43 (Invalid format)', { code: 43, msg: 'Invalid Format' }, 'permanent', TopPermanentError],
  ['code 11 (Insufficient ISV permissions)', { code: 11 }, 'permanent', TopPermanentError],
  ['code 12 (Insufficient user permissions)', { code: 12 }, 'permanent', TopPermanentError],
  ['code 13 (Insufficient partner permissions)', { code: 13 }, 'permanent', TopPermanentError],
  ['code 21 (Missing method)', { code: 21, msg: 'Missing Method' }, 'permanent', TopPermanentError],
  ['code 22 (Invalid method)', { code: 22, msg: 'Invalid Method' }, 'permanent', TopPermanentError],
  ['code 24 (Missing signature)', { code: 24, msg: 'Missing Signature' }, 'permanent', TopPermanentError],
  ['code 25 (Invalid signature)', { code: 25, msg: 'Invalid Signature' }, 'permanent', TopPermanentError],
  ['code 28 (Missing app key)', { code: 28, msg: 'Missing App Key' }, 'permanent', TopPermanentError],
  ['code 29 (Invalid app key)', { code: 29, msg: 'Invalid App Key' }, 'permanent', TopPermanentError],
  ['code 30 (Missing timestamp)', { code: 30, msg: 'Missing Timestamp' }, 'permanent', TopPermanentError],
  ['code 31 (Invalid timestamp)', { code: 31, msg: 'Invalid Timestamp' }, 'permanent', TopPermanentError],
  ['an unknown sub_code falls back to the code', { code: 27, subCode: 'invalid-sessionkey' }, 'auth', TopAuthError],
  ['neither code nor sub_code', { msg: 'Something' }, 'permanent', TopPermanentError],
  // IOP: named codes decide, then the type
  ['IOP IllegalAccessToken', { type: 'ISV', code: 'IllegalAccessToken', msg: 'The specified access token is invalid or expired' }, 'auth', TopAuthError],
  ['IOP IllegalRefreshToken', { type: 'ISV', code: 'IllegalRefreshToken' }, 'auth', TopAuthError],
  ['IOP ApiCallLimit', { type: 'ISV', code: 'ApiCallLimit', msg: 'This ban will last for 5 more seconds' }, 'rate_limited', TopRateLimitedError],
  ['IOP IncompleteSignature', { type: 'ISV', code: 'IncompleteSignature' }, 'permanent', TopPermanentError],
  ['IOP InvalidApiPath', { type: 'ISV', code: 'InvalidApiPath' }, 'permanent', TopPermanentError],
  ['IOP AppWhiteIpLimit', { type: 'ISV', code: 'AppWhiteIpLimit' }, 'permanent', TopPermanentError],
  ['IOP named code over its type', { type: 'ISP', code: 'IllegalAccessToken' }, 'auth', TopAuthError],
  ['IOP unknown code of type ISP', { type: 'ISP', code: 'ServiceUnavailable' }, 'transient', TopTransientError],
  ['IOP unknown code of type SYSTEM', { type: 'SYSTEM', code: 'InternalError' }, 'transient', TopTransientError],
  ['IOP unknown code of type ISV', { type: 'ISV', code: 'InvalidParameter' }, 'permanent', TopPermanentError],
  ['IOP unknown code, no type', { code: 'SomethingNew' }, 'permanent', TopPermanentError],
  ['IOP ban text under an unknown code', { type: 'ISV', code: 'Throttled', msg: 'This ban will last for 2 more seconds' }, 'rate_limited', TopRateLimitedError],
  ['a numeric code sent as text is read as TOP reads it', { code: '15', subCode: 'isv.invalid-parameter' }, 'permanent', TopPermanentError],
  ['a numeric code 27 sent as text', { code: '27', msg: 'Invalid Session' }, 'auth', TopAuthError],
  ['IOP isp.* sub_code under an unknown code', { type: 'ISV', code: 'Failed', subCode: 'isp.remote-error' }, 'transient', TopTransientError],
];

describe('classifyTopError', () => {
  it('does not take an inherited property name for a code', () => {
    expect(classifyTopError({ type: 'ISV', code: 'toString' })).toBe('permanent');
    expect(classifyTopError({ type: 'ISP', code: 'constructor' })).toBe('transient');
  });

  it('says an IOP ServiceTimeout may have taken effect, and other platform faults not', () => {
    expect(topErrorFromResponse({ type: 'ISP', code: 'ServiceTimeout' }).mayHaveTakenEffect).toBe(true);
    expect(topErrorFromResponse({ type: 'ISP', code: 'ServiceUnavailable' }).mayHaveTakenEffect).toBe(false);
  });

  it.each(TABLE)('%s → %s', (_case, fields, kind) => {
    expect(classifyTopError(fields)).toBe(kind);
  });
});

describe('topErrorFromResponse', () => {
  it.each(TABLE)('%s → %s error of its own class', (_case, fields, kind, ErrorClass) => {
    const error = topErrorFromResponse({ ...fields, requestId: '0ba2887315178178017221014' }, METHOD);

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.constructor).toBe(ErrorClass);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(kind === 'transient' || kind === 'rate_limited');
    expect(error).toMatchObject({
      code: fields.code,
      msg: fields.msg,
      subCode: fields.subCode,
      subMsg: fields.subMsg,
      requestId: '0ba2887315178178017221014',
      method: METHOD,
    });
  });

  it('describes the failure with every field it has', () => {
    const error = topErrorFromResponse(
      {
        code: 50,
        msg: 'Remote service error',
        subCode: 'isv.invalid-parameter',
        subMsg: '非法参数',
        requestId: 'req-1',
      },
      METHOD,
    );
    expect(error.message).toBe(
      'aliexpress.solution.order.fulfill failed, code 50 (Remote service error), ' +
        'sub_code isv.invalid-parameter (非法参数), request_id req-1',
    );
  });

  it('still describes a failure without a method', () => {
    const error = topErrorFromResponse({ code: 10 });
    expect(error.message).toBe('The call failed, code 10');
    expect(error.method).toBeUndefined();
  });

  it('turns "This ban will last for 2 more seconds" into a 3 s wait', () => {
    const error = topErrorFromResponse(
      { code: 7, msg: 'App Call Limited', subMsg: 'This ban will last for 2 more seconds' },
      METHOD,
    );
    expect(error).toBeInstanceOf(TopRateLimitedError);
    expect((error as TopRateLimitedError).retryAfterMs).toBe(3000);
  });

  it('reads the ban from msg when sub_msg has none', () => {
    const error = topErrorFromResponse({ code: 7, msg: 'This ban will last for 5 more seconds' }, METHOD);
    expect((error as TopRateLimitedError).retryAfterMs).toBe(6000);
  });

  it('reads the ban of an accesscontrol.* sub_code', () => {
    const error = topErrorFromResponse(
      {
        code: 7,
        subCode: 'accesscontrol.limited-by-app-access-count',
        subMsg: 'This ban will last for 71342 more seconds',
      },
      METHOD,
    );
    expect((error as TopRateLimitedError).retryAfterMs).toBe(71_343_000);
  });

  it('leaves retryAfterMs undefined when no ban is announced', () => {
    const error = topErrorFromResponse({ code: 7, msg: 'App Call Limited' }, METHOD);
    expect(error).toBeInstanceOf(TopRateLimitedError);
    expect((error as TopRateLimitedError).retryAfterMs).toBeUndefined();
  });
});

describe('the error classes', () => {
  it('counts transport failures and timeouts as transient, retryable errors', () => {
    const cause = new Error('ECONNRESET');
    const transport = new TopTransportError('reset', { method: METHOD, status: 502, cause });
    const timeout = new TopTimeoutError('slow', { method: METHOD });

    expect(transport).toBeInstanceOf(TopTransientError);
    expect(transport).toMatchObject({
      name: 'TopTransportError',
      kind: 'transient',
      retryable: true,
      status: 502,
    });
    expect(transport.cause).toBe(cause);
    expect(timeout).toBeInstanceOf(TopTransportError);
    expect(timeout).toMatchObject({ name: 'TopTimeoutError', kind: 'transient', retryable: true });
  });

  it('counts a business failure as permanent', () => {
    const error = new TopBusinessError('result_success=false', {
      method: METHOD,
      subCode: 'result_success=false',
    });
    expect(error).toBeInstanceOf(TopPermanentError);
    expect(error).toMatchObject({ name: 'TopBusinessError', kind: 'permanent', retryable: false });
  });
});

describe('parseBanMs', () => {
  it.each([
    ['This ban will last for 2 more seconds', 3000],
    ['This ban will last for 1 more second', 2000],
    ['This ban will last for 0 more seconds', 1000],
    ['ban will last 59 seconds', 60_000],
    ['THIS BAN WILL LAST FOR 2 MORE SECONDS', 3000],
    ['App Call Limited, This ban will last for 86399 more seconds', 86_400_000],
  ])('%j → %i ms', (text, expected) => {
    expect(parseBanMs(text)).toBe(expected);
  });

  it.each([
    ['no ban', 'App Call Limited'],
    ['a ban in words', 'This ban will last for two more seconds'],
    ['a ban in minutes', 'This ban will last for 2 more minutes'],
    ['an empty string', ''],
    ['undefined', undefined],
  ])('%s → undefined', (_case, text) => {
    expect(parseBanMs(text)).toBeUndefined();
  });
});
