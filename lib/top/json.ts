// A run of 16+ digits is the only thing JSON.parse can corrupt in TOP bodies (ids close to 2^53).
const LONG_DIGITS = /\d{16,}/;
// Whole string literals (skipped as they are) or whole number literals.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse, except that integers past 2^53 come back as their exact digits (a string), so an id such
 * as `trade_order_id` survives. Only integer literals are rewritten, as quoted strings, before the
 * native parser runs, so everything else (duplicate keys included) behaves exactly as JSON.parse.
 */
export function parseJsonKeepingIds(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const quoted = text.replace(STRING_OR_NUMBER, (token) =>
    token.startsWith('"') || /[.eE]/.test(token) || Number.isSafeInteger(Number(token))
      ? token
      : `"${token}"`,
  );
  return JSON.parse(quoted);
}
