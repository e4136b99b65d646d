import { TopTransportError, topErrorFromResponse } from './errors.ts';
import { parseJsonKeepingIds } from './json.ts';

// Every answer is read by its method's key: made once per method (a client calls a handful).
const responseKeys = new Map<string, string>();
const MAX_KEPT_KEYS = 64;

/** `aliexpress.solution.order.fulfill` → `aliexpress_solution_order_fulfill_response`. */
export function responseKey(method: string): string {
  let key = responseKeys.get(method);
  if (key === undefined) {
    key = `${method.replaceAll('.', '_')}_response`;
    if (responseKeys.size < MAX_KEPT_KEYS) responseKeys.set(method, key);
  }
  return key;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const errorCode = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};

function parseObject(body: string, method: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingIds(body);
  } catch (cause) {
    throw new TopTransportError(`${method} answered with a body that is not JSON`, { method, cause });
  }
  if (!isObject(parsed)) {
    throw new TopTransportError(`${method} answered with JSON that is not an object`, { method });
  }
  return parsed;
}

/**
 * Reads a TOP JSON body: returns the inner response object (from the `<method>_response` envelope, or
 * the bare object when `simplify=true`), or throws the classified error of an `error_response`.
 */
export function readTopResponse(body: string, method: string): JsonObject {
  const parsed = parseObject(body, method);
  // simplify=true drops the envelope of errors too; a bare { code, msg } is an error then.
  const error = isObject(parsed.error_response)
    ? parsed.error_response
    : errorCode(parsed.code) !== undefined && 'msg' in parsed
      ? parsed
      : undefined;
  if (error) {
    throw topErrorFromResponse(
      {
        code: errorCode(error.code),
        msg: text(error.msg),
        subCode: text(error.sub_code),
        subMsg: text(error.sub_msg),
        requestId: text(error.request_id),
      },
      method,
    );
  }
  const envelope = parsed[responseKey(method)];
  return isObject(envelope) ? envelope : parsed;
}

/** IOP's error fields: `code` is a name (kept as text), `msg` or `message`, and the fault `type`. */
function iopErrorFields(error: JsonObject) {
  return {
    code: text(error.code),
    type: text(error.type),
    msg: text(error.msg) ?? text(error.message),
    subCode: text(error.sub_code),
    subMsg: text(error.sub_msg),
    requestId: text(error.request_id),
  };
}

// An IOP error may also come bare (`simplify=true`, or the gateway's own refusals): a code other than "0".
const isBareIopError = (body: JsonObject): boolean =>
  body.code !== undefined &&
  String(body.code) !== '0' &&
  ('type' in body || 'message' in body || 'msg' in body);

/**
 * Reads an IOP `/sync` body: the inner response object (envelope as on TOP, or bare with simplify),
 * or throws the classified error of an `error_response`.
 */
export function readIopResponse(body: string, method: string): JsonObject {
  const parsed = parseObject(body, method);
  const error = isObject(parsed.error_response)
    ? parsed.error_response
    : isBareIopError(parsed)
      ? parsed
      : undefined;
  if (error) throw topErrorFromResponse(iopErrorFields(error), method);
  const envelope = parsed[responseKey(method)];
  return isObject(envelope) ? envelope : parsed;
}

/** Reads an IOP `/rest{path}` body, which is flat: `code` "0" and the fields, or an error. */
export function readIopRestResponse(body: string, path: string): JsonObject {
  const parsed = parseObject(body, path);
  const error = isObject(parsed.error_response)
    ? parsed.error_response
    : parsed.code !== undefined && String(parsed.code) !== '0'
      ? parsed
      : undefined;
  if (error) throw topErrorFromResponse(iopErrorFields(error), path);
  return parsed;
}
