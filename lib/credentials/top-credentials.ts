import type { Platform } from '#lib/top/platform.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { SellerRequiredError, UnknownSellerError } from './errors.ts';
import { rejectUnknownOptions } from './options.ts';
import type { SellerSessions } from './seller-sessions.ts';
import type { SecretSource } from './source.ts';
import { RefetchThrottle } from './throttle.ts';
import { parseTopCredentialsSecret, type TopCredentialsSecret } from './top-secret.ts';

export interface TopCredentialsProviderOptions {
  readonly source: SecretSource;
  /** The TOP credentials secret; its layout is described at {@link parseTopCredentialsSecret}. */
  readonly secretId: string;
  /**
   * Least time between two refetches forced by an unknown seller, and between two by `refresh()`
   * (each has its own allowance). Default 30 s.
   */
  readonly forcedRefetchIntervalSeconds?: number;
  /** Clock in ms for that interval; default `Date.now`. */
  readonly now?: () => number;
  /** Sellers who authorized the app themselves: AliExpress sellers not kept by hand are looked up here. */
  readonly sellers?: SellerSessions | undefined;
}

/** A seller's credentials, session included, and the id they were picked for. */
export interface SellerCredentials {
  readonly sellerId: string;
  readonly credentials: TopCredentials;
}

/**
 * TOP app keys and seller sessions from one secret, cached as the source caches it. Adding a seller
 * or rotating a session is a secret update: an unknown seller forces one refetch, and `refresh()`
 * picks up a rotated session after an auth error. Both are throttled so bad input cannot hammer
 * the store. While the secret is unchanged the same credentials objects are returned.
 */
export class TopCredentialsProvider {
  readonly #source: SecretSource;
  readonly #secretId: string;
  readonly #unknownSellerThrottle: RefetchThrottle;
  readonly #refreshThrottle: RefetchThrottle;
  readonly #sellers: SellerSessions | undefined;
  #cached: { readonly value: string; readonly secret: TopCredentialsSecret } | undefined;

  constructor(options: TopCredentialsProviderOptions) {
    rejectUnknownOptions('TopCredentialsProvider', options, [
      'source',
      'secretId',
      'forcedRefetchIntervalSeconds',
      'now',
      'sellers',
    ]);
    this.#sellers = options.sellers;
    this.#source = options.source;
    this.#secretId = options.secretId;
    this.#unknownSellerThrottle = new RefetchThrottle(options.forcedRefetchIntervalSeconds, options.now);
    this.#refreshThrottle = new RefetchThrottle(options.forcedRefetchIntervalSeconds, options.now);
  }

  /**
   * The seller's credentials. Without a seller id the only configured seller is used; with several
   * configured that is a {@link SellerRequiredError}. A seller not in the secret forces one refetch
   * (it may just have been added; throttled) before {@link UnknownSellerError}. The app keys are
   * those of `platform` (default Tmall's). An AliExpress seller not kept by hand is one who authorized
   * the app: their current access token is the session.
   */
  async forSeller(sellerId: string | undefined, platform: Platform = 'tmall'): Promise<SellerCredentials> {
    const secret = await this.#load(false);
    const found = pick(secret, sellerId, platform);
    if (found) return found;
    if (platform === 'aliexpress' && sellerId !== undefined && this.#sellers) {
      const session = await this.#sellers.session(sellerId);
      if (session !== undefined) return { sellerId, credentials: { ...secret.aeApp, session } };
    }
    if (this.#unknownSellerThrottle.tryAcquire()) {
      const again = pick(await this.#load(true), sellerId, platform);
      if (again) return again;
    }
    throw new UnknownSellerError(sellerId);
  }

  /** The app's keys for `platform` without a session (APIs that act for no seller). */
  async app(platform: Platform = 'tmall'): Promise<TopCredentials> {
    const secret = await this.#load(false);
    return platform === 'aliexpress' ? secret.aeApp : secret.app;
  }

  /**
   * Refetches the secret, bypassing the cache, and `sellerId`'s own tokens if they authorized the
   * app; `true` when either changed, i.e. credentials obtained before are stale and one more call
   * is worth making. Within the throttle interval of the previous refresh nothing is fetched.
   */
  async refresh(sellerId?: string): Promise<boolean> {
    const [secretChanged, tokensChanged] = await Promise.all([
      this.#refreshSecret(),
      sellerId !== undefined && this.#sellers ? this.#sellers.refresh(sellerId) : false,
    ]);
    return secretChanged || tokensChanged;
  }

  async #refreshSecret(): Promise<boolean> {
    if (!this.#refreshThrottle.tryAcquire()) return false;
    const before = this.#cached?.value;
    await this.#load(true);
    return before !== undefined && this.#cached?.value !== before;
  }

  async #load(forceFetch: boolean): Promise<TopCredentialsSecret> {
    const value = await this.#source.get(this.#secretId, { forceFetch });
    if (this.#cached?.value !== value) {
      this.#cached = { value, secret: parseTopCredentialsSecret(this.#secretId, value) };
    }
    return this.#cached.secret;
  }
}

function pick(
  secret: TopCredentialsSecret,
  sellerId: string | undefined,
  platform: Platform,
): SellerCredentials | undefined {
  const sellers = platform === 'aliexpress' ? secret.aeSellers : secret.sellers;
  if (sellerId === undefined) {
    const [only, ...others] = sellers;
    if (others.length > 0) throw new SellerRequiredError(sellers.size);
    return only && { sellerId: only[0], credentials: only[1] };
  }
  const credentials = sellers.get(sellerId);
  return credentials && { sellerId, credentials };
}
