/** The two open platforms this project calls; each API belongs to one. */
export type Platform = 'tmall' | 'aliexpress';

/**
 * The wire protocol of a call: TOP's (`/router/rest`, GMT+8 timestamps, md5/hmac signatures) or the
 * AliExpress Open Platform's (`/sync` and `/rest/…`, epoch-ms timestamps, sha256 signatures).
 */
export const PROTOCOLS = ['iop', 'top'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const isProtocol = (value: unknown): value is Protocol =>
  typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);

/** The platform an API name belongs to: `aliexpress.*` is AliExpress', everything else Tmall's. */
export const platformOf = (method: string): Platform =>
  method.startsWith('aliexpress.') ? 'aliexpress' : 'tmall';
