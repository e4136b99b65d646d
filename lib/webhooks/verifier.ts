import { rejectUnknownOptions } from '#lib/credentials/options.ts';
import { RefetchThrottle } from '#lib/credentials/throttle.ts';
import { WebhookVerificationError } from './errors.ts';
import type { WebhookSecretsProvider } from './secrets-provider.ts';
import { type VerifiedWebhook, verifyWebhook } from './verify.ts';

export interface WebhookSignatureVerifierOptions {
  readonly secrets: WebhookSecretsProvider;
  /** Least time between two refetches forced by a signature that matched no secret. Default 30 s. */
  readonly forcedRefetchIntervalSeconds?: number;
  /** Default ±300 s. */
  readonly toleranceSeconds?: number;
  /** Clock in ms, for the timestamp check and the throttle; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Verifies deliveries of one webhook source against its secrets as currently stored. When no
 * signature matches, the secret may just have been rotated: the secrets are refetched (at most once
 * per interval, so forged requests cannot hammer the store) and, if they changed, checked again.
 */
export class WebhookSignatureVerifier {
  readonly #secrets: WebhookSecretsProvider;
  readonly #throttle: RefetchThrottle;
  readonly #toleranceSeconds: number | undefined;
  readonly #now: () => number;

  constructor(options: WebhookSignatureVerifierOptions) {
    rejectUnknownOptions('WebhookSignatureVerifier', options, [
      'secrets',
      'forcedRefetchIntervalSeconds',
      'toleranceSeconds',
      'now',
    ]);
    this.#secrets = options.secrets;
    this.#now = options.now ?? Date.now;
    this.#throttle = new RefetchThrottle(options.forcedRefetchIntervalSeconds, this.#now);
    this.#toleranceSeconds = options.toleranceSeconds;
  }

  /**
   * The delivery's id and timestamp once its signature holds. Throws `WebhookVerificationError`
   * (→ 401), or the secret store's errors (`SecretUnavailableError` → 503, `SecretFormatError`).
   */
  async verify(
    headers: Readonly<Record<string, string | undefined>>,
    rawBody: string | Uint8Array,
  ): Promise<VerifiedWebhook> {
    const check = (secrets: readonly string[]) =>
      verifyWebhook({ headers, rawBody, secrets, now: this.#now, toleranceSeconds: this.#toleranceSeconds });
    const secrets = await this.#secrets.get();
    try {
      return check(secrets);
    } catch (error) {
      // Only a signature no secret made can be cured by newer secrets; a stale timestamp cannot.
      const curable = error instanceof WebhookVerificationError && error.reason === 'no_matching_signature';
      if (!curable || !this.#throttle.tryAcquire()) throw error;
      const fresh = await this.#secrets.get({ forceFetch: true });
      if (fresh.join(' ') === secrets.join(' ')) throw error;
      return check(fresh);
    }
  }
}
