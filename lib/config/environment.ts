import * as z from 'zod/mini';
import '#lib/errors/zod-english.ts';
import { PROTOCOLS } from '#lib/top/platform.ts';
import { isSignMethod, SIGN_METHODS } from '#lib/top/sign.ts';
import { seconds, text, url, wholeNumber } from './fields.ts';

// Every variable a function reads, with its default.
const Environment = z.object({
  OPERATIONS_TABLE: text,
  DYNAMODB_ENDPOINT: z.optional(url),
  TOP_GATEWAY_URL: url,
  AE_GATEWAY_URL: z.optional(url),
  AE_PROTOCOL: z._default(z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(', ')}` }), 'iop'),
  TOP_SIGN_METHOD: z._default(
    z.string().check(z.refine(isSignMethod, `must be one of ${SIGN_METHODS.join(', ')}`)),
    'hmac-sha256',
  ),
  TOP_DEADLINE_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(60_000)), 5_000),
  SECRETS_MAX_AGE_SECONDS: seconds(300),
  TOP_CREDENTIALS_SECRET_ID: z.optional(text),
  WMS_WEBHOOK_SECRET_ID: z.optional(text),
  STOREFRONT_WEBHOOK_SECRET_ID: z.optional(text),
  TOP_APP_KEY: z.optional(text),
  TOP_APP_SECRET: z.optional(text),
  TOP_SESSION: z.optional(z.string()),
  AE_APP_KEY: z.optional(text),
  AE_APP_SECRET: z.optional(text),
  WMS_WEBHOOK_SECRET: z.optional(text),
  STOREFRONT_WEBHOOK_SECRET: z.optional(text),
  RETRY_BASE_SECONDS: seconds(30),
  RETRY_MAX_SECONDS: seconds(3_600),
  RETRY_MAX_ATTEMPTS: wholeNumber(10),
  RETRY_MAX_AGE_SECONDS: seconds(86_400),
  IDEMPOTENCY_TTL_SECONDS: wholeNumber(7 * 86_400),
  SWEEP_BATCH_SIZE: wholeNumber(100),
  SWEEP_CONCURRENCY: wholeNumber(4),
  SWEEP_TOP_DEADLINE_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(100), z.maximum(60_000)),
    25_000,
  ),
  LOGISTICS_ORDERS_TABLE: z.optional(text),
  REFRESH_INTERVAL_SECONDS: seconds(300),
  REFRESH_MAX_INTERVAL_SECONDS: seconds(6 * 3_600),
  REFRESH_LEASE_SECONDS: seconds(300),
  SNAPSHOT_RETENTION_DAYS: seconds(30),
  REFRESH_QUEUE_URL: z.optional(url),
  STATUS_EVENT_BUS_NAME: z.optional(text),
  EVENTBRIDGE_ENDPOINT: z.optional(url),
  DISPATCH_PAGE_SIZE: wholeNumber(100),
  REFRESH_CONCURRENCY: wholeNumber(8),
  REFRESH_CALLS_PER_SECOND: z._default(z.coerce.number().check(z.nonnegative('must not be negative')), 0),
  SELLER_TOKENS_PREFIX: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z0-9/_+=.@-]{1,200}$/,
          'must be a Secrets Manager name prefix (letters, digits, /_+=.@-)',
        ),
      ),
  ),
  SECRETS_MANAGER_ENDPOINT: z.optional(url),
  SELLERS_TABLE: z.optional(text),
  // zod runs every check: those after `url` pass what is no URL, which `url` names already.
  PUBLIC_URL: z.optional(
    url.check(
      z.refine(
        (value: string) => !URL.canParse(value) || /^https?:$/.test(new URL(value).protocol),
        'must be an http(s) URL',
      ),
      z.refine(
        (value: string) => !URL.canParse(value) || !/[?#]/.test(value),
        'must have no query or fragment',
      ),
    ),
  ),
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
