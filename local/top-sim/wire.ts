import { randomBytes } from 'node:crypto';

/** A TOP `error_response`, as the gateway writes it. */
export interface SimError {
  /** A number on TOP; an injected fault may write a string. */
  readonly code: number | string;
  readonly msg: string;
  readonly sub_code?: string;
  readonly sub_msg?: string;
}

/** Request ids look like the platform's: short lowercase base-36 strings. */
export const newRequestId = (): string => BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);

export const errorBody = (error: SimError, requestId: string): string =>
  JSON.stringify({ error_response: { ...error, request_id: requestId } });

const quotedDigitsByField = new Map<string, RegExp>();

/** `"field":"123"`, compiled once per field name. */
function quotedDigits(field: string): RegExp {
  let pattern = quotedDigitsByField.get(field);
  if (!pattern) {
    pattern = new RegExp(`"${field}":"(\\d+)"`, 'g');
    quotedDigitsByField.set(field, pattern);
  }
  return pattern;
}

/**
 * A success body: the `<method>_response` envelope (absent with simplify=true). Fields listed in
 * `bigIntegers` hold exact digits and are written as bare JSON numbers, as TOP writes 16-digit ids.
 */
export function successBody(
  method: string,
  body: Record<string, unknown>,
  requestId: string,
  simplify: boolean,
  bigIntegers: readonly string[] = [],
): string {
  const inner = { ...body, request_id: requestId };
  let json = JSON.stringify(simplify ? inner : { [`${method.replaceAll('.', '_')}_response`]: inner });
  for (const field of bigIntegers) json = json.replaceAll(quotedDigits(field), `"${field}":$1`);
  return json;
}

/** The error codes the simulator answers with, named as the platform names them. */
export const SIM_ERRORS = {
  rateLimited: (seconds: number): SimError => ({
    code: 7,
    msg: 'App Call Limited',
    sub_code: 'accesscontrol.limited-by-app-access-count',
    sub_msg: `This ban will last for ${seconds} more seconds`,
  }),
  missingMethod: { code: 21, msg: 'Missing Method' },
  invalidMethod: { code: 22, msg: 'Invalid Method' },
  invalidFormat: { code: 23, msg: 'Invalid Format', sub_msg: 'the simulator answers format=json only' },
  missingSignature: { code: 24, msg: 'Missing Signature' },
  invalidSignature: { code: 25, msg: 'Invalid Signature' },
  missingSession: { code: 26, msg: 'Missing Session' },
  invalidSession: { code: 27, msg: 'Invalid Session' },
  missingAppKey: { code: 28, msg: 'Missing App Key' },
  invalidAppKey: { code: 29, msg: 'Invalid App Key' },
  missingTimestamp: { code: 30, msg: 'Missing Timestamp' },
  invalidTimestamp: { code: 31, msg: 'Invalid Timestamp' },
  missingVersion: { code: 32, msg: 'Missing Version' },
  unsupportedVersion: { code: 34, msg: 'Unsupported Version' },
  missingArguments: (names: string): SimError => ({ code: 40, msg: `Missing required arguments:${names}` }),
  invalidArguments: (names: string): SimError => ({ code: 41, msg: `Invalid arguments:${names}` }),
  invalidParameter: (detail: string): SimError => ({
    code: 50,
    msg: 'Remote service error',
    sub_code: 'isv.invalid-parameter',
    sub_msg: detail,
  }),
  platformFault: (
    subCode = 'isp.top-remote-connection-timeout',
    subMsg = 'remote service timed out',
  ): SimError => ({
    code: 15,
    msg: 'Remote service error',
    sub_code: subCode,
    sub_msg: subMsg,
  }),
} as const;
