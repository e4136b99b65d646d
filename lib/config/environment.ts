import * as z from 'zod';
import { PROTOCOLS } from '#lib/top/platform.ts';
import { isSignMethod, SIGN_METHODS } from '#lib/top/sign.ts';
import { seconds, text, url, wholeNumber } from './fields.ts';

// Every variable a function reads, with its default.
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
  SELLER_TOKENS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,200}$/, 'must be a Secrets Manager name prefix (letters, digits, /_+=.@-)')
    .optional(),
  SECRETS_MANAGER_ENDPOINT: url.optional(),
  SELLERS_TABLE: text.optional(),
  // zod runs every check: those after `url` pass what is no URL, which `url` names already.
  PUBLIC_URL: url
    .refine(
      (value) => !URL.canParse(value) || /^https?:$/.test(new URL(value).protocol),
      'must be an http(s) URL',
    )
    .refine((value) => !URL.canParse(value) || !/[?#]/.test(value), 'must have no query or fragment')
    .optional(),
});

/** The environment, validated and with its defaults filled in. */
export type Environment = z.output<typeof Environment>;

/**
 * What keeps a part of the configuration from being read, one line each. Readers return them rather
 * than throw, so that only `config.ts` (which imports the readers) throws its ConfigError.
 */
export type Problems = string[];

/** Validates the raw environment; an empty variable (`FOO=`) counts as unset, as a shell user expects. */
export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): Environment | Problems {
  const parsed = Environment.safeParse(withoutBlanks(env));
  return parsed.success
    ? parsed.data
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
}

function withoutBlanks(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') present[key] = value;
  return present;
}
