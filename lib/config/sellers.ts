import type { Environment, Problems } from './environment.ts';

/** Sellers who authorized the app (OAuth on IOP): where their tokens and records live. */
export interface SellersConfig {
  /**
   * Secrets Manager name prefix of the sellers' token secrets (`<prefix><seller_id>`); absent: only
   * hand-kept sessions are known.
   */
  readonly tokensPrefix: string | undefined;
  /** How long a container trusts a seller's tokens it read, before their half-life. */
  readonly tokensMaxAgeMs: number;
  /** A Secrets Manager-compatible endpoint (the local stack's); absent in AWS. */
  readonly secretsManagerEndpoint: string | undefined;
  /** The sellers table: records and authorization states; for the functions that need it. */
  readonly table: string | undefined;
  /** Where this deployment is reached from outside: the OAuth callback is `<publicUrl>/oauth/callback`. */
  readonly publicUrl: string | undefined;
}

/** What a function of the seller authorization needs besides reading tokens. */
export type SellersNeed = 'table' | 'publicUrl';

/** The section as read for a function that needs `N`: those values are present. */
export type SellersConfigFor<N extends SellersNeed> = SellersConfig & {
  readonly tokensPrefix: string;
} & ('table' extends N ? { readonly table: string } : unknown) &
  ('publicUrl' extends N ? { readonly publicUrl: string } : unknown);

/** The sellers section; with `needs`, the tokens' prefix and what they name are required. */
export function sellersConfig(
  values: Environment,
  needs: readonly SellersNeed[] | undefined,
): SellersConfig | Problems {
  const problems = needs
    ? [
        ...(values.SELLER_TOKENS_PREFIX === undefined ? ['SELLER_TOKENS_PREFIX is required'] : []),
        ...(needs.includes('table') && values.SELLERS_TABLE === undefined
          ? ['SELLERS_TABLE is required']
          : []),
        ...(needs.includes('publicUrl') && values.PUBLIC_URL === undefined ? ['PUBLIC_URL is required'] : []),
      ]
    : [];
  if (problems.length > 0) return problems;
  return {
    tokensPrefix: values.SELLER_TOKENS_PREFIX,
    tokensMaxAgeMs: values.SECRETS_MAX_AGE_SECONDS * 1000,
    secretsManagerEndpoint: values.SECRETS_MANAGER_ENDPOINT,
    table: values.SELLERS_TABLE,
    // The callback URL is built by appending a path: one spelling, whatever the setting ends with.
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}
