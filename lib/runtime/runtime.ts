import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '#lib/config/config.ts';
import type { WebhookSource } from '#lib/config/secrets.ts';
import { secretsManagerSource } from '#lib/credentials/secrets-manager.ts';
import type { SellerSessions } from '#lib/credentials/seller-sessions.ts';
import { staticSecretSource } from '#lib/credentials/source.ts';
import { TopCredentialsProvider } from '#lib/credentials/top-credentials.ts';
import { createLogger, createMetrics } from '#lib/observability/telemetry.ts';
import { ContainerBanClock } from '#lib/operations/ban-clock.ts';
import { BanStore } from '#lib/operations/ban-store.ts';
import { DedupeStore } from '#lib/operations/dedupe-store.ts';
import type { AttemptDeps } from '#lib/operations/execute.ts';
import { OrderGuardStore } from '#lib/operations/order-guard-store.ts';
import { OperationsStore } from '#lib/operations/store.ts';
import type { AuthorizationStates } from '#lib/sellers/authorization-states.ts';
import type { SellerRegistry } from '#lib/sellers/registry.ts';
import type { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { TopClient } from '#lib/top/client.ts';
import { WebhookSecretsProvider } from '#lib/webhooks/secrets-provider.ts';
import { WebhookSignatureVerifier } from '#lib/webhooks/verifier.ts';

/** Clients a test or the local stack may hand in instead of the ones built from the config. */
export interface RuntimeOverrides {
  readonly dynamodb?: DynamoDBClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => number;
}

/** Everything a function needs, built once per container from the validated config. */
export interface Runtime extends Omit<AttemptDeps, 'apis'> {
  readonly config: Config;
  readonly now: () => number;
  readonly topDeadlineMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The DynamoDB client the stores share. */
  readonly dynamodb: DynamoDBClient;
  /** The container's view of the shared rate-limit ban. */
  readonly ban: ContainerBanClock;
  /** The signature verifier of one webhook source. */
  verifier(source: WebhookSource): WebhookSignatureVerifier;
  /** Sellers who authorized the app; present where their parts are configured. */
  readonly sellers: SellerParts;
}

/** The seller authorization's parts, each present when its setting is. */
export interface SellerParts {
  /** The sellers' token secrets (`SELLER_TOKENS_PREFIX`). */
  readonly vault: SellerTokenVault | undefined;
  /** Seller records (`SELLERS_TABLE`). */
  readonly registry: SellerRegistry | undefined;
  /** The OAuth states of authorization links (`SELLERS_TABLE`). */
  readonly states: AuthorizationStates | undefined;
}

/** A function's seller parts and the authorized sellers' sessions, from the config's settings. */
export interface SellerPartsBuild {
  readonly parts: SellerParts;
  readonly sessions: SellerSessions | undefined;
}

/** The clients seller parts are built on. */
export interface SellerClients {
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient | undefined;
  readonly now: () => number;
}

/**
 * What a function builds beyond the common runtime, passed in by the functions that run it, so a
 * function that never serves an authorized seller never loads (nor bundles) the seller modules.
 */
export interface RuntimeParts {
  /** Seller authorization's parts (`buildSellerParts`); default: none. */
  readonly sellers?: (config: Config, clients: SellerClients) => SellerPartsBuild;
}

const NO_SELLERS: SellerPartsBuild = {
  parts: { vault: undefined, registry: undefined, states: undefined },
  sessions: undefined,
};

// Secret ids under which environment-held values are served locally.
const LOCAL_TOP_CREDENTIALS = 'local/top-credentials';
const localWebhookSecret = (source: WebhookSource) => `local/${source}-webhook-secret`;

/** Builds the clients and providers of one function; call it at module scope. */
export function buildRuntime(
  config: Config,
  service: string,
  overrides: RuntimeOverrides = {},
  parts: RuntimeParts = {},
): Runtime {
  const now = overrides.now ?? Date.now;
  const { secrets: secretsConfig } = config;
  const secrets =
    secretsConfig.kind === 'secrets-manager'
      ? secretsManagerSource({
          maxAgeSeconds: secretsConfig.maxAgeSeconds,
          ...(overrides.secretsManager && { client: overrides.secretsManager }),
        })
      : staticSecretSource({
          [LOCAL_TOP_CREDENTIALS]: secretsConfig.topCredentials,
          ...Object.fromEntries(
            Object.entries(secretsConfig.webhookSecrets).map(([source, value]) => [
              localWebhookSecret(source as WebhookSource),
              value,
            ]),
          ),
        });
  const secretIdOf = (source: WebhookSource): string => {
    if (secretsConfig.kind === 'environment') return localWebhookSecret(source);
    const id = secretsConfig.webhookSecretIds[source];
    if (!id) throw new Error(`no webhook secret is configured for ${source}`);
    return id;
  };
  const verifiers = new Map<WebhookSource, WebhookSignatureVerifier>();
  const logger = overrides.logger ?? createLogger(service);
  const dynamodb =
    overrides.dynamodb ??
    new DynamoDBClient(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {});

  const table = { client: dynamodb, tableName: config.operationsTable, now };
  const sellers =
    parts.sellers?.(config, { dynamodb, secretsManager: overrides.secretsManager, now }) ?? NO_SELLERS;
  return {
    config,
    now,
    operations: new OperationsStore(table),
    // One view of the shared ban per container: a ban any invocation meets stops the others at
    // once, and the record is read at most once a second instead of before every call.
    ban: new ContainerBanClock(new BanStore(table)),
    orderGuards: new OrderGuardStore(table),
    dedupe: new DedupeStore(table),
    top: new TopClient({
      gatewayUrl: config.topGatewayUrl,
      aeGatewayUrl: config.aeGatewayUrl,
      aeProtocol: config.aeProtocol,
      signMethod: config.topSignMethod,
    }),
    credentials: new TopCredentialsProvider({
      source: secrets,
      secretId:
        secretsConfig.kind === 'secrets-manager' ? secretsConfig.topCredentialsId : LOCAL_TOP_CREDENTIALS,
      now,
      sellers: sellers.sessions,
    }),
    retry: config.retry,
    ttlSeconds: config.idempotencyTtlSeconds,
    topDeadlineMs: config.topDeadlineMs,
    logger,
    log: logger,
    metrics: overrides.metrics ?? createMetrics(service),
    dynamodb,
    sellers: sellers.parts,
    verifier(source) {
      let verifier = verifiers.get(source);
      if (!verifier) {
        verifier = new WebhookSignatureVerifier({
          secrets: new WebhookSecretsProvider({ source: secrets, secretId: secretIdOf(source) }),
          now,
        });
        verifiers.set(source, verifier);
      }
      return verifier;
    },
  };
}
