import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './errors.ts';

/**
 * Opaque page cursors of the operator's lists: a position in an index, bound to the query that
 * produced it and signed, so a cursor cannot be forged, edited, or replayed against other filters.
 *
 * The key: HKDF-SHA256 of the TOP credentials' app secret (read through `credentials.app()`, the
 * secret every function of the deployment already holds), with a label of its own. Every container
 * of one deployment derives the same key, so a cursor handed out by one is good in any other, with
 * no secret to add or rotate; the key is one-way, so neither a cursor nor the key gives the secret
 * away, and the label keeps it apart from the secret's own use (signing TOP calls). When the app
 * secret rotates, cursors handed out before no longer verify: the caller is told to start again
 * (400), which costs a list read from the start and nothing else.
 */
export class CursorSigner {
  readonly #secret: () => Promise<string>;
  #derived: { readonly secret: string; readonly key: Buffer } | undefined;

  /** `secret`: the app secret, as the credentials cache holds it (read on each use, derived once). */
  constructor(secret: () => Promise<string>) {
    this.#secret = secret;
  }

  /** A cursor for `position`, good only for the query `scope` names. */
  async encode(scope: CursorScope, position: unknown): Promise<string> {
    const payload = Buffer.from(JSON.stringify({ q: scopeDigest(scope), p: position })).toString('base64url');
    return `${payload}.${(await this.#mac(payload)).toString('base64url')}`;
  }

  /**
   * The position a cursor holds, once its signature and its query are checked. Throws
   * {@link InvalidCursorError}: a cursor that is malformed, modified, of another key (another
   * deployment, or before the app secret rotated), or of another query.
   */
  async decode(scope: CursorScope, cursor: string): Promise<unknown> {
    const [payload, mac, ...rest] = cursor.split('.');
    if (!payload || !mac || rest.length > 0 || !BASE64URL.test(payload) || !BASE64URL.test(mac)) {
      throw new InvalidCursorError('malformed');
    }
    const expected = await this.#mac(payload);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('not-ours');
    }
    let content: unknown;
    try {
      content = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError('malformed');
    }
    const { q, p } = (content ?? {}) as { q?: unknown; p?: unknown };
    if (q !== scopeDigest(scope)) throw new InvalidCursorError('other-query');
    return p;
  }

  async #mac(payload: string): Promise<Buffer> {
    const secret = await this.#secret();
    if (this.#derived?.secret !== secret) {
      const key = Buffer.from(hkdfSync('sha256', secret, CURSOR_SALT, CURSOR_INFO, 32));
      this.#derived = { secret, key };
    }
    return createHmac('sha256', this.#derived.key).update(`${CURSOR_VERSION}.${payload}`).digest();
  }
}

/** The query a cursor belongs to: the list's name and every filter, `limit` and `cursor` aside. */
export interface CursorScope {
  readonly list: string;
  readonly filters: Readonly<Record<string, string | number | boolean | undefined>>;
}

const CURSOR_VERSION = 'v1';
const CURSOR_SALT = 'top-webhooks';
const CURSOR_INFO = 'operator-api list cursor v1';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A short digest of the scope, filters in name order, absent ones left out. */
function scopeDigest(scope: CursorScope): string {
  const filters = Object.entries(scope.filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([scope.list, filters]))
    .digest('base64url')
    .slice(0, 22);
}
