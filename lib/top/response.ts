import { TopTransportError, topErrorFromResponse } from './errors.ts';
import { parseJsonKeepingIds } from './json.ts';

/** `aliexpress.solution.order.fulfill` → `aliexpress_solution_order_fulfill_response`. */
export const responseKey = (method: string): string => `${method.replaceAll('.', '_')}_response`;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const errorCode = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};

/**
 * Reads a TOP JSON body: returns the inner response object (from the `<method>_response` envelope, or
 * the bare object when `simplify=true`), or throws the classified error of an `error_response`.
 */
export function readTopResponse(body: string, method: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingIds(body);
  } catch (cause) {
    throw new TopTransportError(`TOP ${method} answered with a body that is not JSON`, { method, cause });
  }
  if (!isObject(parsed)) {
    throw new TopTransportError(`TOP ${method} answered with JSON that is not an object`, { method });
  }
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
