import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';
import type { Protocol } from '#lib/top/platform.ts';
import type { SIGN_METHODS } from '#lib/top/sign.ts';
import { type Problems, parseEnvironment } from './environment.ts';
import { type SecretsConfig, secretsConfig, type WebhookSource } from './secrets.ts';
import { type SellersConfig, type SellersConfigFor, type SellersNeed, sellersConfig } from './sellers.ts';
import {
  type TrackingConfig,
  type TrackingConfigFor,
  type TrackingNeed,
  trackingConfig,
} from './tracking.ts';

/**
 * The environment is missing a key or holds a value that cannot be used; raised at cold start, so it
 * is a deployment's fault: never the sender's, and never shown to one.
 */
export class ConfigError extends ProblemError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`, PROBLEMS.internal);
    this.problems = problems;
  }
}

export interface RetryConfig {
  /** First retry delay; later ones back off exponentially with full jitter. */
  readonly baseMs: number;
  readonly maxDelayMs: number;
  /** TOP calls an operation may make before it is DEAD. */
  readonly maxAttempts: number;
  /** Age after which an operation still failing is DEAD. */
  readonly maxAgeMs: number;
}

export interface Config {
  readonly operationsTable: string;
  /** A DynamoDB-compatible endpoint (dynalite locally); absent in AWS. */
  readonly dynamodbEndpoint: string | undefined;
  /** Tmall's TOP gateway (`…/router/rest`). */
  readonly topGatewayUrl: string;
  /** The AliExpress Open Platform's host; absent only when `aeProtocol` is `top`. */
  readonly aeGatewayUrl: string | undefined;
  /** How `aliexpress.*` APIs are called: over IOP, or over the TOP gateway for accounts that still have it. */
  readonly aeProtocol: Protocol;
  readonly topSignMethod: (typeof SIGN_METHODS)[number];
  /** Budget of one TOP call; a handler also keeps it inside the invocation's remaining time. */
  readonly topDeadlineMs: number;
  readonly secrets: SecretsConfig;
  readonly retry: RetryConfig;
  /** How long operation records are kept: the senders' retry horizon. */
  readonly idempotencyTtlSeconds: number;
  readonly sweep: {
    readonly batchSize: number;
    readonly concurrency: number;
    /** Budget of the sweeper's TOP calls: longer than a webhook's, as no sender waits on them. */
    readonly topDeadlineMs: number;
  };
  /** The order-detail refresh; present for the functions that asked for it. */
  readonly tracking: TrackingConfig | undefined;
  /** Sellers who authorized the app: their tokens, records and the callback's address. */
  readonly sellers: SellersConfig;
}

/** A config loaded with the `tracking` option: its section is present, typed as `T`. */
export type ConfigWithTracking<T extends TrackingConfig = TrackingConfig> = Config & { readonly tracking: T };

/** A config loaded with the `sellers` option: what those needs require is present. */
export type ConfigWithSellers<N extends SellersNeed> = Config & { readonly sellers: SellersConfigFor<N> };

export interface LoadConfigOptions {
  /** The webhook sources this function verifies; their secrets must be configured. */
  readonly webhookSources?: readonly WebhookSource[];
  /** The function takes part in the order-detail refresh and needs these besides its table. */
  readonly tracking?: readonly TrackingNeed[];
  /** The function authorizes sellers or renews their tokens, and needs these besides the tokens' prefix. */
  readonly sellers?: readonly SellersNeed[];
}

/**
 * Reads and validates the environment once, at cold start; the only reader of `process.env`.
 * Throws {@link ConfigError} naming every missing or unusable key. With `tracking` needs written as a
 * literal, the result's tracking section types what those needs require as present.
 */
export function loadConfig<N extends SellersNeed>(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions & { readonly sellers: readonly N[]; readonly tracking?: undefined },
): ConfigWithSellers<N>;
export function loadConfig<N extends TrackingNeed = never>(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions & { readonly tracking: readonly N[] },
): ConfigWithTracking<TrackingConfigFor<N>>;
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options?: LoadConfigOptions,
): Config;
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): Config {
  const values = orThrow(parseEnvironment(env));
  const secrets = orThrow(secretsConfig(values, options.webhookSources ?? []));
  const retry: RetryConfig = {
    baseMs: values.RETRY_BASE_SECONDS * 1000,
    maxDelayMs: values.RETRY_MAX_SECONDS * 1000,
    maxAttempts: values.RETRY_MAX_ATTEMPTS,
    maxAgeMs: values.RETRY_MAX_AGE_SECONDS * 1000,
  };
  if (retry.maxDelayMs < retry.baseMs) {
    throw new ConfigError(['RETRY_MAX_SECONDS must not be less than RETRY_BASE_SECONDS']);
  }
  if (values.AE_PROTOCOL === 'iop' && values.AE_GATEWAY_URL === undefined) {
    throw new ConfigError([
      'AE_GATEWAY_URL is required (the AliExpress Open Platform, e.g. https://api-sg.aliexpress.com), unless AE_PROTOCOL=top',
    ]);
  }
  return {
    operationsTable: values.OPERATIONS_TABLE,
    dynamodbEndpoint: values.DYNAMODB_ENDPOINT,
    topGatewayUrl: values.TOP_GATEWAY_URL,
    aeGatewayUrl: values.AE_GATEWAY_URL,
    aeProtocol: values.AE_PROTOCOL,
    topSignMethod: values.TOP_SIGN_METHOD as Config['topSignMethod'],
    topDeadlineMs: values.TOP_DEADLINE_MS,
    secrets,
    retry,
    idempotencyTtlSeconds: values.IDEMPOTENCY_TTL_SECONDS,
    sweep: {
      batchSize: values.SWEEP_BATCH_SIZE,
      concurrency: values.SWEEP_CONCURRENCY,
      topDeadlineMs: values.SWEEP_TOP_DEADLINE_MS,
    },
    tracking: options.tracking ? orThrow(trackingConfig(values, options.tracking)) : undefined,
    sellers: orThrow(sellersConfig(values, options.sellers)),
  };
}

function orThrow<T>(read: T | Problems): T {
  if (Array.isArray(read)) throw new ConfigError(read);
  return read;
}
