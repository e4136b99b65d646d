import * as z from 'zod/mini';

/**
 * The most characters of a value our records are keyed by (a ticket, a platform order, a logistics
 * order, a seller). The API pages set no limit; DynamoDB does: 2048 bytes for a partition key and
 * 1024 for a sort key, in UTF-8. At 4 bytes a character, 128 characters and our longest key
 * prefix stay inside either, so whatever we accept can be stored.
 */
const MAX_KEY_FIELD_CHARS = 128;

/** Whether a value fits in a key, counted in characters (code points), as the API pages count. */
export const fitsInKey = (value: string): boolean => [...value].length <= MAX_KEY_FIELD_CHARS;

export const KEY_FIELD_MESSAGE = `must be at most ${MAX_KEY_FIELD_CHARS} characters`;

/** A string field a record is keyed by: refused at intake when it could not be stored. */
export const keyField = <T extends z.ZodMiniType<string>>(field: T) =>
  field.check(z.refine(fitsInKey, KEY_FIELD_MESSAGE));
