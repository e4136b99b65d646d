import * as z from 'zod';
import { ProblemError } from '#lib/errors/problem-error.ts';
import { PROTOCOLS, type Protocol } from '#lib/top/platform.ts';
import { isSignMethod, SIGN_METHODS } from '#lib/top/sign.ts';

/**
 * The environment is missing a key or holds a value that cannot be used; raised at cold start, so it
 * is a deployment's fault: never the sender's, and never shown to one.
 */
export class ConfigError extends ProblemError {
  readonly status = 500;
  readonly slug = 'internal';
  readonly title = 'Internal Server Error';
  readonly outcome = 'error';
  override readonly logLevel = 'error';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** A webhook source: each has its own signing secret. */
export type WebhookSource = 'wms' | 'storefront';

/** Where secrets come from: Secrets Manager by id (AWS), or values held in the environment (local runs). */
export type SecretsConfig =
  | {
      readonly kind: 'secrets-manager';
      readonly maxAgeSeconds: number;
      readonly topCredentialsId: string;
      readonly webhookSecretIds: Readonly<Partial<Record<WebhookSource, string>>>;
    }
  | {
      readonly kind: 'environment';
      readonly topCredentials: string;
      readonly webhookSecrets: Readonly<Partial<Record<WebhookSource, string>>>;
    };

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
}

/** How often tracked orders are refreshed. */
export interface RefreshSchedule {
  /** After a change, the next refresh comes this soon. */
  readonly intervalMs: number;
  /** Orders that stop changing are refreshed less often, up to this. */
  readonly maxIntervalMs: number;
  /** How long a dispatched order is held for its worker before it is due again. */
  readonly leaseMs: number;
  /** How long a finished order's snapshot is kept. */
  readonly retentionMs: number;
}

export interface TrackingConfig {
  readonly table: string;
  readonly schedule: RefreshSchedule;
  /** SQS queue the dispatcher fills (its URL is also where the SDK sends, locally too). */
  readonly queueUrl: string | undefined;
  /** EventBridge bus for LogisticsOrderStatusChanged; an endpoint only for local runs. */
  readonly eventBusName: string | undefined;
  readonly eventBridgeEndpoint: string | undefined;
  /** Due orders read per page by the dispatcher. */
  readonly pageSize: number;
  /** Orders one worker invocation refreshes at once: part of the cap on calls to TOP. */
  readonly concurrency: number;
  /** Calls a worker container makes to TOP per second at most; 0 = unpaced. */
  readonly callsPerSecond: number;
}

/** What a function of the refresh needs besides its table. */
export type TrackingNeed = 'queue' | 'events';

const WEBHOOK_ENV = {
  wms: { id: 'WMS_WEBHOOK_SECRET_ID', value: 'WMS_WEBHOOK_SECRET' },
  storefront: { id: 'STOREFRONT_WEBHOOK_SECRET_ID', value: 'STOREFRONT_WEBHOOK_SECRET' },
} as const satisfies Record<WebhookSource, { id: string; value: string }>;

const requiredOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;
const text = z
  .string({ error: requiredOr('must be text') })
  .trim()
  .min(1, 'must not be empty');
const url = z.url({ error: requiredOr('must be a URL') });
const seconds = (fallback: number) =>
  z.coerce.number().positive('must be a positive number').default(fallback);
const wholeNumber = (fallback: number) =>
  z.coerce.number().int('must be a whole number').positive('must be positive').default(fallback);

const Environment = z.object({
  OPERATIONS_TABLE: text,
  DYNAMODB_ENDPOINT: url.optional(),
  TOP_GATEWAY_URL: url,
  AE_GATEWAY_URL: url.optional(),
  AE_PROTOCOL: z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(', ')}` }).default('iop'),
  TOP_SIGN_METHOD: z
    .string()
    .refine(isSignMethod, `must be one of ${SIGN_METHODS.join(', ')}`)
    .default('hmac-sha256'),
  TOP_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  SECRETS_MAX_AGE_SECONDS: seconds(300),
  TOP_CREDENTIALS_SECRET_ID: text.optional(),
  WMS_WEBHOOK_SECRET_ID: text.optional(),
  STOREFRONT_WEBHOOK_SECRET_ID: text.optional(),
  TOP_APP_KEY: text.optional(),
  TOP_APP_SECRET: text.optional(),
  TOP_SESSION: z.string().optional(),
  AE_APP_KEY: text.optional(),
  AE_APP_SECRET: text.optional(),
  WMS_WEBHOOK_SECRET: text.optional(),
  STOREFRONT_WEBHOOK_SECRET: text.optional(),
  RETRY_BASE_SECONDS: seconds(30),
  RETRY_MAX_SECONDS: seconds(3_600),
  RETRY_MAX_ATTEMPTS: wholeNumber(10),
  RETRY_MAX_AGE_SECONDS: seconds(86_400),
  IDEMPOTENCY_TTL_SECONDS: wholeNumber(7 * 86_400),
  SWEEP_BATCH_SIZE: wholeNumber(100),
  SWEEP_CONCURRENCY: wholeNumber(4),
  SWEEP_TOP_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(25_000),
  LOGISTICS_ORDERS_TABLE: text.optional(),
  REFRESH_INTERVAL_SECONDS: seconds(300),
  REFRESH_MAX_INTERVAL_SECONDS: seconds(6 * 3_600),
  REFRESH_LEASE_SECONDS: seconds(300),
  SNAPSHOT_RETENTION_DAYS: seconds(30),
  REFRESH_QUEUE_URL: url.optional(),
  STATUS_EVENT_BUS_NAME: text.optional(),
  EVENTBRIDGE_ENDPOINT: url.optional(),
  DISPATCH_PAGE_SIZE: wholeNumber(100),
  REFRESH_CONCURRENCY: wholeNumber(8),
  REFRESH_CALLS_PER_SECOND: z.coerce.number().nonnegative('must not be negative').default(0),
});
type Environment = z.output<typeof Environment>;

export interface LoadConfigOptions {
  /** The webhook sources this function verifies; their secrets must be configured. */
  readonly webhookSources?: readonly WebhookSource[];
  /** The function takes part in the order-detail refresh and needs these besides its table. */
  readonly tracking?: readonly TrackingNeed[];
}

/**
 * Reads and validates the environment once, at cold start; the only reader of `process.env`.
 * Throws {@link ConfigError} naming every missing or unusable key.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): Config {
  const parsed = Environment.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const values = parsed.data;
  const secrets = secretsConfig(values, options.webhookSources ?? []);
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
    tracking: options.tracking ? trackingConfig(values, options.tracking) : undefined,
  };
}

function trackingConfig(values: Environment, needs: readonly TrackingNeed[]): TrackingConfig {
  const problems = [
    ...(values.LOGISTICS_ORDERS_TABLE === undefined ? ['LOGISTICS_ORDERS_TABLE is required'] : []),
    ...(needs.includes('queue') && values.REFRESH_QUEUE_URL === undefined
      ? ['REFRESH_QUEUE_URL is required']
      : []),
    ...(needs.includes('events') && values.STATUS_EVENT_BUS_NAME === undefined
      ? ['STATUS_EVENT_BUS_NAME is required']
      : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    table: values.LOGISTICS_ORDERS_TABLE as string,
    schedule: {
      intervalMs: values.REFRESH_INTERVAL_SECONDS * 1000,
      maxIntervalMs: Math.max(values.REFRESH_INTERVAL_SECONDS, values.REFRESH_MAX_INTERVAL_SECONDS) * 1000,
      leaseMs: values.REFRESH_LEASE_SECONDS * 1000,
      retentionMs: values.SNAPSHOT_RETENTION_DAYS * 86_400_000,
    },
    queueUrl: values.REFRESH_QUEUE_URL,
    eventBusName: values.STATUS_EVENT_BUS_NAME,
    eventBridgeEndpoint: values.EVENTBRIDGE_ENDPOINT,
    pageSize: values.DISPATCH_PAGE_SIZE,
    concurrency: values.REFRESH_CONCURRENCY,
    callsPerSecond: values.REFRESH_CALLS_PER_SECOND,
  };
}

// An empty variable (`FOO=`) means "not set", as a shell user expects.
function withoutBlanks(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') present[key] = value;
  return present;
}

function secretsConfig(values: Environment, sources: readonly WebhookSource[]): SecretsConfig {
  const fromSecretsManager = values.TOP_CREDENTIALS_SECRET_ID !== undefined;
  const fromEnvironment = values.TOP_APP_KEY !== undefined || values.TOP_APP_SECRET !== undefined;
  if (fromSecretsManager && fromEnvironment) {
    throw new ConfigError([
      'set either TOP_CREDENTIALS_SECRET_ID (Secrets Manager) or TOP_APP_KEY/TOP_APP_SECRET (local), not both',
    ]);
  }
  const aeKeys = [values.AE_APP_KEY, values.AE_APP_SECRET].filter((value) => value !== undefined).length;
  if (fromSecretsManager && aeKeys > 0) {
    throw new ConfigError([
      'AE_APP_KEY/AE_APP_SECRET are for local runs; with TOP_CREDENTIALS_SECRET_ID put ae_app_key/ae_app_secret in the secret',
    ]);
  }
  if (fromSecretsManager) {
    const missing = sources.filter((source) => values[WEBHOOK_ENV[source].id] === undefined);
    if (missing.length > 0) throw new ConfigError(missing.map((s) => `${WEBHOOK_ENV[s].id} is required`));
    return {
      kind: 'secrets-manager',
      maxAgeSeconds: values.SECRETS_MAX_AGE_SECONDS,
      topCredentialsId: values.TOP_CREDENTIALS_SECRET_ID as string,
      webhookSecretIds: pick(sources, (source) => values[WEBHOOK_ENV[source].id]),
    };
  }
  const problems = [
    ...(values.TOP_APP_KEY === undefined ? ['TOP_APP_KEY is required (or TOP_CREDENTIALS_SECRET_ID)'] : []),
    ...(values.TOP_APP_SECRET === undefined
      ? ['TOP_APP_SECRET is required (or TOP_CREDENTIALS_SECRET_ID)']
      : []),
    ...(aeKeys === 1 ? ['AE_APP_KEY and AE_APP_SECRET go together: set both or neither'] : []),
    ...sources
      .filter((source) => values[WEBHOOK_ENV[source].value] === undefined)
      .map((source) => `${WEBHOOK_ENV[source].value} is required`),
  ];
  let sellers: Record<string, string> = {};
  try {
    sellers = parseSessions(values.TOP_SESSION ?? '');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    kind: 'environment',
    // The same JSON layout as the Secrets Manager secret, so one parser serves both.
    topCredentials: JSON.stringify({
      app_key: values.TOP_APP_KEY,
      app_secret: values.TOP_APP_SECRET,
      ae_app_key: values.AE_APP_KEY,
      ae_app_secret: values.AE_APP_SECRET,
      sign_method: values.TOP_SIGN_METHOD,
      sellers,
    }),
    webhookSecrets: pick(sources, (source) => values[WEBHOOK_ENV[source].value]),
  };
}

/** The seller id a bare `TOP_SESSION` value (no `seller=`) is filed under. */
export const DEFAULT_SELLER_ID = 'default';

/** `TOP_SESSION`: `shop-1=<session>,shop-2=<session>`, or one bare session for a single seller. */
export function parseSessions(value: string): Record<string, string> {
  const sellers: Record<string, string> = {};
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const split = entry.indexOf('=');
    const [seller, session] =
      split < 0 ? [DEFAULT_SELLER_ID, entry] : [entry.slice(0, split), entry.slice(split + 1)];
    if (!seller.trim() || !session.trim()) {
      throw new Error('TOP_SESSION must be "<seller>=<session>" entries separated by commas');
    }
    if (seller.trim() in sellers) throw new Error(`TOP_SESSION names seller ${seller.trim()} twice`);
    sellers[seller.trim()] = session.trim();
  }
  return sellers;
}

function pick(
  sources: readonly WebhookSource[],
  value: (source: WebhookSource) => string | undefined,
): Partial<Record<WebhookSource, string>> {
  const picked: Partial<Record<WebhookSource, string>> = {};
  for (const source of sources) {
    const found = value(source);
    if (found !== undefined) picked[source] = found;
  }
  return picked;
}
