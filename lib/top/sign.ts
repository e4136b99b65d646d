import { hash } from 'node:crypto';
import { hmacHex } from './hmac.ts';

/** The signature methods the gateway accepts. `hmac` is HMAC-MD5. */
export const SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type SignMethod = (typeof SIGN_METHODS)[number];

export const isSignMethod = (value: unknown): value is SignMethod =>
  typeof value === 'string' && (SIGN_METHODS as readonly string[]).includes(value);

const BEYOND_D7FF = /[\uD800-\uFFFF]/;
// Past this many keys, Array#sort beats sorting by insertion.
const MAX_INSERTION_SORTED = 32;

/**
 * The keys in UTF-16 order, as Array#sort orders strings. A call has a dozen keys or so: sorting them
 * by insertion takes a third of Array#sort's time, and none of the kilobyte of workspace it allocates.
 */
function sortedKeys(params: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(params);
  if (keys.length > MAX_INSERTION_SORTED) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

const reachesPastD7ff = (key: string) => BEYOND_D7FF.test(key);
const byUtf8Bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The string the platform signs: every param but `sign`, keys in byte order, `key1value1key2value2…`
 * with raw UTF-8 values. Callers pass the params exactly as they will be sent (empty ones already dropped).
 */
export function signingString(params: Readonly<Record<string, string>>): string {
  // Byte order of the UTF-8 keys. UTF-16 order is the same below U+D800, so the keys are compared as
  // bytes only when one of them reaches past it (never, in practice).
  const keys = sortedKeys(params);
  if (keys.some(reachesPastD7ff)) keys.sort(byUtf8Bytes);
  return concatenated(params, keys);
}

function concatenated(
  params: Readonly<Record<string, string>>,
  keys: readonly string[],
  prefix = '',
): string {
  let out = prefix;
  for (const key of keys) if (key !== 'sign') out += key + params[key];
  return out;
}

/** Signs params the way the TOP gateway checks them; uppercase hex. */
export function sign(params: Readonly<Record<string, string>>, secret: string, method: SignMethod): string {
  const text = signingString(params);
  switch (method) {
    case 'md5':
      return hash('md5', secret + text + secret, 'hex').toUpperCase();
    case 'hmac':
      return hmacHex('md5', secret, text).toUpperCase();
    case 'hmac-sha256':
      return hmacHex('sha256', secret, text).toUpperCase();
  }
}

/** IOP signs with HMAC-SHA256 only; its `sign_method` value. */
export const IOP_SIGN_METHOD = 'sha256';

/**
 * The string IOP signs: the API path for `/rest` calls (nothing for `/sync`), then every param but
 * `sign` as `key1value1key2value2…`, keys in UTF-16 code-unit order (plain `<`), raw UTF-8 values.
 */
export function iopSigningString(params: Readonly<Record<string, string>>, apiPath = ''): string {
  return concatenated(params, sortedKeys(params), apiPath);
}

/** Signs params the way the IOP gateway checks them (`sign_method=sha256`); uppercase hex. */
export function signIop(params: Readonly<Record<string, string>>, secret: string, apiPath = ''): string {
  return hmacHex('sha256', secret, iopSigningString(params, apiPath)).toUpperCase();
}
