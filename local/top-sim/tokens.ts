import { createHash, randomBytes } from 'node:crypto';

/** How long issued tokens live; applies to tokens issued after it is set. */
export interface TokenTtls {
  readonly accessTtlMs: number;
  readonly refreshTtlMs: number;
}

export const DEFAULT_TOKEN_TTLS: TokenTtls = {
  accessTtlMs: 30 * 24 * 3600 * 1000,
  refreshTtlMs: 60 * 24 * 3600 * 1000,
};

/** An authorization code is single-use and short-lived, as on the platform. */
export const CODE_TTL_MS = 10 * 60 * 1000;

/** The seller who "logs in" at /oauth/authorize when the request names none. */
export const DEFAULT_SELLER_NICK = 'sim-test-seller';

export type AccessStatus = 'valid' | 'expired' | 'unknown';

/** A seller's platform identity; stable per nick, across runs too. */
export interface SellerAccount {
  readonly nick: string;
  readonly sellerId: string;
  readonly userId: string;
  readonly havanaId: string;
}

/** What /rest/auth/token/create and /refresh answer with (besides code and request_id). */
export interface TokenGrant {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly refresh_expires_in: number;
  readonly expire_time: number;
  readonly refresh_token_valid_time: number;
  readonly seller_id: string;
  readonly user_id: string;
  readonly user_nick: string;
  readonly account: string;
  readonly account_platform: 'seller_center';
  readonly locale: string;
  readonly sp: 'ae';
  readonly havana_id: string;
}

/** Why a code or a refresh token was refused. */
export type Refusal = 'unknown' | 'used' | 'expired';

interface Issued {
  /** Which code exchange the token descends from, so a listing shows refresh chains. */
  readonly grant: number;
  readonly seller: SellerAccount;
  readonly issuedAt: number;
  readonly expiresAt: number;
  used: boolean;
}

/** A token as the control route lists it: never its value. */
export interface TokenListing {
  readonly grant: number;
  readonly kind: 'access' | 'refresh';
  readonly seller_nick: string;
  readonly seller_id: string;
  readonly issued_at: string;
  readonly expires_at: string;
  readonly status: 'active' | 'expired' | 'used';
}

/**
 * The sellers' tokens the platform knows: hand-kept seeded sessions (never expiring), authorization
 * codes, and the access and refresh tokens issued from them. Every expiry reads the caller's `now`.
 */
export class TokenRegistry {
  readonly #seeded: ReadonlySet<string>;
  readonly #codes = new Map<string, { seller: SellerAccount; expiresAt: number; used: boolean }>();
  readonly #access = new Map<string, Issued>();
  readonly #refresh = new Map<string, Issued>();
  readonly #sellers = new Map<string, SellerAccount>();
  #grants = 0;
  #ttls: TokenTtls;

  constructor(seeded: Iterable<string>, ttls: Partial<TokenTtls> = {}) {
    this.#seeded = new Set(seeded);
    this.#ttls = { ...DEFAULT_TOKEN_TTLS, ...ttls };
  }

  get ttls(): TokenTtls {
    return this.#ttls;
  }

  setTtls(ttls: Partial<TokenTtls>): void {
    this.#ttls = { ...this.#ttls, ...ttls };
  }

  /** A seeded session or an issued, unexpired access token is valid. */
  accessStatus(token: string, now: number): AccessStatus {
    if (this.#seeded.has(token)) return 'valid';
    const issued = this.#access.get(token);
    if (!issued) return 'unknown';
    return now < issued.expiresAt ? 'valid' : 'expired';
  }

  /** The seller an issued access token belongs to; `undefined` for a seeded session or an unknown token. */
  sellerOfAccessToken(token: string): SellerAccount | undefined {
    return this.#access.get(token)?.seller;
  }

  /** A code for `nick`, as the platform issues after the seller logs in and consents. */
  issueCode(nick: string, now: number): string {
    const code = `0_${randomToken(18)}`;
    this.#codes.set(code, { seller: this.seller(nick), expiresAt: now + CODE_TTL_MS, used: false });
    return code;
  }

  exchangeCode(code: string, now: number): { grant: TokenGrant } | { refused: Refusal } {
    const entry = this.#codes.get(code);
    if (!entry) return { refused: 'unknown' };
    if (entry.used) return { refused: 'used' };
    if (now >= entry.expiresAt) return { refused: 'expired' };
    entry.used = true;
    this.#grants += 1;
    return { grant: this.#issue(this.#grants, entry.seller, now, now + this.#ttls.refreshTtlMs) };
  }

  /** A new pair; the old refresh token is spent, and the new one keeps its end. */
  refresh(token: string, now: number): { grant: TokenGrant } | { refused: Refusal } {
    const entry = this.#refresh.get(token);
    if (!entry) return { refused: 'unknown' };
    if (entry.used) return { refused: 'used' };
    if (now >= entry.expiresAt) return { refused: 'expired' };
    entry.used = true;
    return { grant: this.#issue(entry.grant, entry.seller, now, entry.expiresAt) };
  }

  /** The stable identity of a seller nick. */
  seller(nick: string): SellerAccount {
    let account = this.#sellers.get(nick);
    if (!account) {
      account = {
        nick,
        sellerId: `2${stableDigits(nick, 'seller', 11)}`,
        userId: `3${stableDigits(nick, 'user', 11)}`,
        havanaId: `4${stableDigits(nick, 'havana', 11)}`,
      };
      this.#sellers.set(nick, account);
    }
    return account;
  }

  /** The issued tokens without their values, oldest first. */
  list(now: number): TokenListing[] {
    const rows: TokenListing[] = [];
    for (const [kind, tokens] of [
      ['access', this.#access],
      ['refresh', this.#refresh],
    ] as const) {
      for (const issued of tokens.values()) {
        rows.push({
          grant: issued.grant,
          kind,
          seller_nick: issued.seller.nick,
          seller_id: issued.seller.sellerId,
          issued_at: new Date(issued.issuedAt).toISOString(),
          expires_at: new Date(issued.expiresAt).toISOString(),
          status: issued.used ? 'used' : now < issued.expiresAt ? 'active' : 'expired',
        });
      }
    }
    return rows.sort((a, b) => a.issued_at.localeCompare(b.issued_at) || a.grant - b.grant);
  }

  #issue(grant: number, seller: SellerAccount, now: number, refreshEnd: number): TokenGrant {
    const accessToken = randomToken(24);
    const refreshToken = randomToken(24);
    const accessEnd = now + this.#ttls.accessTtlMs;
    this.#access.set(accessToken, { grant, seller, issuedAt: now, expiresAt: accessEnd, used: false });
    this.#refresh.set(refreshToken, { grant, seller, issuedAt: now, expiresAt: refreshEnd, used: false });
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: Math.floor((accessEnd - now) / 1000),
      refresh_expires_in: Math.floor((refreshEnd - now) / 1000),
      expire_time: accessEnd,
      refresh_token_valid_time: refreshEnd,
      seller_id: seller.sellerId,
      user_id: seller.userId,
      user_nick: seller.nick,
      account: `${seller.nick}@example.com`,
      account_platform: 'seller_center',
      locale: 'en_US',
      sp: 'ae',
      havana_id: seller.havanaId,
    };
  }
}

/** Unguessable: random bytes, URL-safe. */
const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

function stableDigits(text: string, salt: string, length: number): string {
  const hash = createHash('sha256').update(`${salt}:${text}`).digest();
  return BigInt(`0x${hash.toString('hex')}`)
    .toString()
    .slice(0, length)
    .padStart(length, '0');
}
