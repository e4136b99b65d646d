import { isInteger, isSafeNumber, parse } from 'lossless-json';

// A run of 16+ digits is the only thing JSON.parse can corrupt in TOP bodies (ids close to 2^53).
const LONG_DIGITS = /\d{16,}/;

/**
 * JSON.parse, except that integers past 2^53 come back as their exact digits (a string), so an id such
 * as `trade_order_id` survives. Bodies without long digit runs take the native fast path.
 */
export function parseJsonKeepingIds(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parse(text, null, (digits) =>
    isInteger(digits) && !isSafeNumber(digits) ? digits : Number(digits),
  );
}
