import type { SellerSessions } from '#lib/credentials/seller-sessions.ts';
import { renewAt, type SellerTokens } from './seller.ts';
import type { SellerTokenVault } from './token-vault.ts';

export interface SellerSessionCacheOptions {
  readonly vault: Pick<SellerTokenVault, 'read'>;
  /** How long a read is trusted before its half-life; the secrets' cache age. */
  readonly maxAgeMs: number;
  /** Clock in epoch ms; default `Date.now`. */
  readonly now?: () => number;
}

// A seller not found is asked for again this soon: one who authorizes is known within seconds.
const NOT_FOUND_MS = 5_000;
// Least time between two reads forced by an auth error.
const FORCED_MS = 1_000;

interface Entry {
  readonly tokens: SellerTokens | undefined;
  readonly readAt: number;
}

/**
 * The sellers' sessions as one container reads them. A read is trusted for `maxAgeMs` until the
 * token's half-life, when the renewal replaces it; from then on the secret is read again every
 * hundredth of the token's lifetime (1–60 s) until the new token is there, so a caller never holds
 * a token past its end while a renewed one waits in the store.
 */
export class SellerSessionCache implements SellerSessions {
  readonly #vault: Pick<SellerTokenVault, 'read'>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #reading = new Map<string, Promise<Entry>>();

  constructor(options: SellerSessionCacheOptions) {
    this.#vault = options.vault;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  async session(sellerId: string): Promise<string | undefined> {
    const entry = this.#entries.get(sellerId);
    return (entry && this.#isFresh(entry) ? entry : await this.#read(sellerId)).tokens?.access_token;
  }

  async refresh(sellerId: string): Promise<boolean> {
    const before = this.#entries.get(sellerId);
    if (before && this.#now() - before.readAt < FORCED_MS) return false;
    const after = await this.#read(sellerId);
    return after.tokens?.access_token !== before?.tokens?.access_token;
  }

  #isFresh({ tokens, readAt }: Entry): boolean {
    const now = this.#now();
    const age = now - readAt;
    if (!tokens) return age < NOT_FOUND_MS;
    if (now < renewAt(tokens)) return age < this.#maxAgeMs;
    const lifetime = tokens.access_token_expires_at - tokens.tokens_issued_at;
    return age < Math.min(this.#maxAgeMs, 60_000, Math.max(1_000, lifetime / 100));
  }

  #read(sellerId: string): Promise<Entry> {
    let reading = this.#reading.get(sellerId);
    if (!reading) {
      reading = this.#vault
        .read(sellerId)
        .then((tokens) => {
          const entry = { tokens, readAt: this.#now() };
          this.#entries.set(sellerId, entry);
          return entry;
        })
        .finally(() => this.#reading.delete(sellerId));
      this.#reading.set(sellerId, reading);
    }
    return reading;
  }
}
