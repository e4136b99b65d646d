import { createHash, createHmac } from 'node:crypto';

/** The signature methods the gateway accepts. `hmac` is HMAC-MD5. */
export const SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type SignMethod = (typeof SIGN_METHODS)[number];

export const isSignMethod = (value: unknown): value is SignMethod =>
  typeof value === 'string' && (SIGN_METHODS as readonly string[]).includes(value);

const BEYOND_D7FF = /[\uD800-\uFFFF]/;

/**
 * The string the platform signs: every param but `sign`, keys in byte order, `key1value1key2value2…`
 * with raw UTF-8 values. Callers pass the params exactly as they will be sent (empty ones already dropped).
 */
export function signingString(params: Readonly<Record<string, string>>): string {
  // Byte order of the UTF-8 keys. JavaScript's default sort is UTF-16 order, the same below U+D800,
  // so the keys are compared as bytes only when one of them reaches past it (never, in practice).
  const keys = Object.keys(params).filter((key) => key !== 'sign');
  if (keys.some((key) => BEYOND_D7FF.test(key))) {
    keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  } else {
    keys.sort();
  }
  let out = '';
  for (const key of keys) out += key + params[key];
  return out;
}

/** Signs params the way the TOP gateway checks them; uppercase hex. */
export function sign(params: Readonly<Record<string, string>>, secret: string, method: SignMethod): string {
  const text = signingString(params);
  switch (method) {
    case 'md5':
      return createHash('md5')
        .update(secret + text + secret, 'utf8')
        .digest('hex')
        .toUpperCase();
    case 'hmac':
      return createHmac('md5', secret).update(text, 'utf8').digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(text, 'utf8').digest('hex').toUpperCase();
  }
}

/** IOP signs with HMAC-SHA256 only; its `sign_method` value. */
export const IOP_SIGN_METHOD = 'sha256';

/**
 * The string IOP signs: the API path for `/rest` calls (nothing for `/sync`), then every param but
 * `sign` as `key1value1key2value2…`, keys in UTF-16 code-unit order (plain `<`), raw UTF-8 values.
 */
export function iopSigningString(params: Readonly<Record<string, string>>, apiPath = ''): string {
  const keys = Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort();
  let out = apiPath;
  for (const key of keys) out += key + params[key];
  return out;
}

/** Signs params the way the IOP gateway checks them (`sign_method=sha256`); uppercase hex. */
export function signIop(params: Readonly<Record<string, string>>, secret: string, apiPath = ''): string {
  return createHmac('sha256', secret)
    .update(iopSigningString(params, apiPath), 'utf8')
    .digest('hex')
    .toUpperCase();
}
