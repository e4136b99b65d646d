import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '#lib/config/config.ts';
import { AuthorizationStates } from '#lib/sellers/authorization-states.ts';
import { SellerRegistry } from '#lib/sellers/registry.ts';
import { SellerSessionCache } from '#lib/sellers/seller-session-cache.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import type { SellerClients, SellerParts, SellerPartsBuild } from './runtime.ts';

/**
 * The seller authorization's parts, each built when its setting is: the token vault
 * (`SELLER_TOKENS_PREFIX`) and the sessions read through it, the records and the OAuth states
 * (`SELLERS_TABLE`). Handed to `buildRuntime` by the functions that serve authorized sellers.
 */
export function buildSellerParts(config: Config, clients: SellerClients): SellerPartsBuild {
  const { dynamodb, now } = clients;
  const { tokensPrefix, secretsManagerEndpoint, table, tokensMaxAgeMs } = config.sellers;
  const vault =
    tokensPrefix === undefined
      ? undefined
      : new SellerTokenVault({
          client:
            clients.secretsManager ??
            new SecretsManagerClient(secretsManagerEndpoint ? { endpoint: secretsManagerEndpoint } : {}),
          prefix: tokensPrefix,
        });
  const options = table === undefined ? undefined : { client: dynamodb, tableName: table, now };
  return {
    parts: {
      vault,
      registry: options && new SellerRegistry(options),
      states: options && new AuthorizationStates(options),
    },
    sessions: vault && new SellerSessionCache({ vault, maxAgeMs: tokensMaxAgeMs, now }),
  };
}

/**
 * The seller parts of a function loaded with the `sellers: ['table']` need and built with
 * {@link buildSellerParts}: present, or the cold start fails naming what is missing.
 */
export function requireSellerParts(parts: SellerParts): {
  [K in keyof SellerParts]-?: NonNullable<SellerParts[K]>;
} {
  const { vault, registry, states } = parts;
  if (!vault || !registry || !states)
    throw new Error('seller parts are missing: load the config with the sellers need, and build them');
  return { vault, registry, states };
}
