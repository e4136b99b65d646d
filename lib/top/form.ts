// What a form does with each ASCII character: keeps it (letters, digits, `*-._`), writes a space as
// '+', or escapes it.
const KEEP = 1;
const SPACE = 2;
const ASCII_RULE = Uint8Array.from({ length: 128 }, (_, code) =>
  /[\w*.-]/.test(String.fromCharCode(code)) ? KEEP : code === 0x20 ? SPACE : 0,
);
const HEX_DIGITS = [...'0123456789ABCDEF'].map((c) => c.charCodeAt(0));
const PLUS = 0x2b;
const EQUALS = 0x3d;
const AMPERSAND = 0x26;
// A UTF-16 unit takes at most 9 bytes escaped (a 3-byte UTF-8 sequence, each byte as %XX).
const MAX_BYTES_PER_UNIT = 9;

// The form is written here, then read out once as text: no string per name or value.
let scratch = Buffer.allocUnsafe(4096);

/** Writes `byte` as %XX at `at`; returns where the next byte goes. */
function escapedByte(byte: number, at: number): number {
  scratch[at] = 0x25;
  scratch[at + 1] = HEX_DIGITS[byte >> 4] as number;
  scratch[at + 2] = HEX_DIGITS[byte & 0x0f] as number;
  return at + 3;
}

/**
 * Writes one name or value as `application/x-www-form-urlencoded` does (UTF-8, percent-escaped, a
 * space as '+') at `at`; returns where the next byte goes, or -1 at a lone surrogate.
 */
function writeComponent(text: string, start: number): number {
  let at = start;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      const rule = ASCII_RULE[code];
      if (rule === KEEP) scratch[at++] = code;
      else if (rule === SPACE) scratch[at++] = PLUS;
      else at = escapedByte(code, at);
    } else if (code < 0x800) {
      at = escapedByte(0xc0 | (code >> 6), at);
      at = escapedByte(0x80 | (code & 0x3f), at);
    } else if (code < 0xd800 || code >= 0xe000) {
      at = escapedByte(0xe0 | (code >> 12), at);
      at = escapedByte(0x80 | ((code >> 6) & 0x3f), at);
      at = escapedByte(0x80 | (code & 0x3f), at);
    } else {
      const low = text.charCodeAt(++i);
      if (code >= 0xdc00 || !(low >= 0xdc00 && low < 0xe000)) return -1;
      const point = 0x10000 + (((code & 0x3ff) << 10) | (low & 0x3ff));
      at = escapedByte(0xf0 | (point >> 18), at);
      at = escapedByte(0x80 | ((point >> 12) & 0x3f), at);
      at = escapedByte(0x80 | ((point >> 6) & 0x3f), at);
      at = escapedByte(0x80 | (point & 0x3f), at);
    }
  }
  return at;
}

/** Room for `units` more UTF-16 units, escaped, after the `used` bytes written so far. */
function ensureRoom(used: number, units: number): void {
  const needed = used + units * MAX_BYTES_PER_UNIT;
  if (needed <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2));
  scratch.copy(grown, 0, 0, used);
  scratch = grown;
}

/**
 * `new URLSearchParams(fields).toString()`, byte for byte, without the object: building it costs
 * more CPU than writing the form. Fields with a lone surrogate, which URLSearchParams replaces
 * (and may so merge two names), are left to it.
 */
export function formEncoded(fields: Readonly<Record<string, string>>): string {
  let at = 0;
  for (const name of Object.keys(fields)) {
    const value = fields[name] as string;
    ensureRoom(at, name.length + value.length + 2);
    if (at > 0) scratch[at++] = AMPERSAND;
    at = writeComponent(name, at);
    if (at < 0) return new URLSearchParams(fields).toString();
    scratch[at++] = EQUALS;
    at = writeComponent(value, at);
    if (at < 0) return new URLSearchParams(fields).toString();
  }
  return scratch.toString('latin1', 0, at);
}
