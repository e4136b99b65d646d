import type { Platform } from '#lib/top/platform.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';

/**
 * Where the platform credentials come from, as the flows, the outbox and the refresh use them:
 * {@link TopCredentialsProvider} in every function, anything else a test hands in.
 */
export interface CredentialsSource {
  /**
   * The seller's credentials (session included) with the app keys of `platform` (default Tmall's);
   * `undefined` picks the only seller.
   */
  forSeller(
    sellerId: string | undefined,
    platform?: Platform,
  ): Promise<{ readonly sellerId: string; readonly credentials: TopCredentials }>;
  /** The app's keys for `platform`, without a session. */
  app(platform?: Platform): Promise<TopCredentials>;
  /**
   * Refetches the secret, and the seller's own tokens when named; `true` when they changed (a
   * rotated or renewed session is worth one more call).
   */
  refresh(sellerId?: string): Promise<boolean>;
}
