import * as z from 'zod/mini';

/** A non-empty string once trimmed. */
export const nonBlank = () => z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** Counts characters (code points), not UTF-16 units, as the API pages do. */
export const maxChars = (max: number) =>
  z
    .string()
    .check(z.refine((value: string) => [...value].length <= max, `must be at most ${max} characters`));

const PRINTABLE_ASCII = /^[\x20-\x7E\t\r\n]*$/;
/** "Only in English": printable ASCII and line breaks. */
export const asciiText = (max: number) =>
  maxChars(max).check(
    z.refine((value: string) => PRINTABLE_ASCII.test(value), 'must be English text (ASCII only)'),
  );

/** Sizes in cm, weights in g, counts and fees in fen: whole, non-negative numbers. */
export const count = () => z.int('must be a whole number').check(z.minimum(0, 'must not be negative'));

/** An id must be sent as a string: a JSON number past 2^53 has already lost digits. */
export const idString = () =>
  z.string('must be a string (ids are sent as strings)').check(z.trim(), z.minLength(1, 'must not be empty'));

// ---- responses: lenient, because TOP is the source of truth and sends numbers or strings at will.

/** A response field documented as String; numbers are turned into their text. */
export const responseText = () =>
  z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((value: string | number) => (typeof value === 'number' ? String(value) : value)),
  );

/** A response id (often a 16-digit number): always a string, never a lossy number. */
export const responseId = responseText;

/** A response field documented as Number. */
export const responseNumber = () =>
  z.union([z.number(), z.pipe(z.string().check(z.regex(/^-?\d+(\.\d+)?$/)), z.transform(Number))]);

/** A response boolean; TOP's XML heritage sometimes sends "true"/"false". */
export const responseBoolean = () =>
  z.union([
    z.boolean(),
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((value: 'true' | 'false') => value === 'true'),
    ),
  ]);

/**
 * A list in a response: a plain array (`simplify=true`) or TOP's item wrapper
 * (`{"product_d_t_o":[…]}`), unwrapped to the array. (Classic zod's `preprocess` is this pipe.)
 */
export const responseList = <T extends z.ZodMiniType>(item: T) =>
  z.pipe(
    z.transform((value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const inner = Object.values(value);
        if (inner.length === 1 && Array.isArray(inner[0])) return inner[0];
        if (inner.length === 1 && inner[0] && typeof inner[0] === 'object') return [inner[0]];
      }
      return value;
    }),
    z.array(item),
  );
