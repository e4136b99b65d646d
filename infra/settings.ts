import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { REFRESH_BUDGET_SHARE, refreshCallsPerSecond } from '#lib/config/tracking.ts';

/** A context value is wrong; raised before any construct is built, naming every bad key. */
export class StackSettingsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid CDK context: ${problems.join('; ')}`);
    this.name = 'StackSettingsError';
    this.problems = problems;
  }
}

/** Where a secret comes from: an existing one by name or ARN, or one the stack creates. */
export type SecretSource =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'arn'; readonly arn: string }
  | { readonly kind: 'create' };

/** Everything the stack may be told through CDK context (`cdk.json` or `-c key=value`). */
export interface StackSettings {
  /** Names the stack and its resources: one deployment per stage and account. */
  readonly stage: string;
  readonly topGatewayUrl: string;
  /** The AliExpress Open Platform (IOP) host, scheme and host only: the client appends `/sync` and `/rest/…`. */
  readonly aeGatewayUrl: string;
  /** How `aliexpress.*` APIs are called: over IOP at `aeGatewayUrl`, or still over the TOP gateway. */
  readonly aeProtocol: 'iop' | 'top';
  /**
   * Whether the functions that call the platforms leave through one NAT gateway with a fixed
   * Elastic IP, for apps that allow-list their callers' addresses (`AppWhiteIpLimit`).
   */
  readonly egressIp: boolean;
  readonly secrets: {
    readonly topCredentials: SecretSource;
    readonly wmsWebhook: SecretSource;
    readonly storefrontWebhook: SecretSource;
  };
  readonly schedules: {
    /** Minutes between retry-sweeper runs. */
    readonly sweepMinutes: number;
    /** Minutes between refresh-dispatcher runs. */
    readonly dispatchMinutes: number;
    /** Minutes between token-renewal runs. */
    readonly renewMinutes: number;
  };
  /**
   * Where sellers' browsers and operators reach the API (a custom domain, or CloudFront in front of
   * it): an https origin with an optional base path, no trailing `/`. The OAuth callback is
   * `<publicUrl>/oauth/callback`. None means the HTTP API's own endpoint.
   */
  readonly publicUrl: string | undefined;
  readonly api: { readonly rateLimit: number; readonly burstLimit: number };
  readonly refresh: {
    /** Worker containers at once (the SQS event source's maximum concurrency). */
    readonly workers: number;
    /**
     * TOP calls one worker container makes in any second at most, bursts included. Times `workers`,
     * the refresh's budget: at most {@link REFRESH_BUDGET_SHARE} of the platform's limit.
     */
    readonly callsPerSecond: number;
  };
  /** Where alarms are sent; none means the alarms only show in CloudWatch. */
  readonly alarmEmail: string | undefined;
  readonly logRetentionDays: RetentionDays;
}

// Context given with `-c` arrives as text; in cdk.json it may be a number.
const wholePositive = () => z.coerce.number().int('must be a whole number').positive('must be positive');
const positiveInt = (fallback: number) => wholePositive().default(fallback);

const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (days): days is number => typeof days === 'number' && days > 0,
);

const secretRef = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .optional()
  .transform((value): SecretSource => {
    if (value === undefined) return { kind: 'create' };
    return value.startsWith('arn:') ? { kind: 'arn', arn: value } : { kind: 'name', name: value };
  });

const isBareOrigin = (url: URL) =>
  url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';

// The routes are appended to the public URL: `<publicUrl>/oauth/callback`.
const publicUrl = z
  .url({ protocol: /^https$/, error: 'must be an https URL' })
  .refine((url) => !URL.canParse(url) || isOriginWithPath(new URL(url)), {
    message:
      'must be an origin with an optional base path (https://sellers.example.com or https://example.com/top-webhooks), with no query, fragment or user',
  })
  .refine((url) => !url.endsWith('/'), {
    message: 'must not end with /: the routes (/oauth/callback, …) are appended to it',
  })
  .transform((url) => {
    const parsed = new URL(url);
    return parsed.pathname === '/' ? parsed.origin : `${parsed.origin}${parsed.pathname}`;
  });

const isOriginWithPath = (url: URL) =>
  url.search === '' && url.hash === '' && url.username === '' && url.password === '';

const Context = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lower-case letters, digits and dashes, starting with a letter')
    .default('dev'),
  topGatewayUrl: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .default('https://eco.taobao.com/router/rest'),
  aeGatewayUrl: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .refine((url) => !URL.canParse(url) || isBareOrigin(new URL(url)), {
      message: 'must be scheme and host only, with no path, query or fragment: the client appends the paths',
    })
    .transform((url) => new URL(url).origin)
    .default('https://api-sg.aliexpress.com'),
  aeProtocol: z.enum(['iop', 'top'], { error: "must be 'iop' or 'top'" }).default('iop'),
  // `-c egressIp=true` arrives as text; in cdk.json it is a boolean.
  egressIp: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
    .transform((value) => value === true || value === 'true')
    .default(false),
  topCredentialsSecret: secretRef,
  wmsWebhookSecret: secretRef,
  storefrontWebhookSecret: secretRef,
  sweepMinutes: positiveInt(1),
  dispatchMinutes: positiveInt(1),
  renewMinutes: positiveInt(1),
  publicUrl: publicUrl.optional(),
  apiRateLimit: positiveInt(50),
  apiBurstLimit: positiveInt(100),
  // The event source's maximum concurrency is at least 2.
  refreshWorkers: positiveInt(2).pipe(z.number().min(2, 'must be at least 2').max(1000)),
  refreshCallsPerSecond: wholePositive().optional(),
  // The app's limit at the platform, when known: it sets the pace, and bounds one given.
  topCallsPerSecond: wholePositive().optional(),
  alarmEmail: z.email('must be an e-mail address').optional(),
  logRetentionDays: positiveInt(90).refine((days) => RETENTION_DAYS.includes(days), {
    message: `must be one of CloudWatch's retention periods (${RETENTION_DAYS.join(', ')})`,
  }),
});

/** The context keys this app reads; anything else in context is CDK's own. */
export const CONTEXT_KEYS = Object.keys(Context.shape);

/** Reads the stack's settings from CDK context; `context` is `(key) => app.node.tryGetContext(key)`. */
export function readStackSettings(context: (key: string) => unknown): StackSettings {
  const raw = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = Context.safeParse(raw);
  if (!parsed.success) {
    throw new StackSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    );
  }
  const values = parsed.data;
  const refresh = refreshPace(values);
  if (typeof refresh === 'string') throw new StackSettingsError([refresh]);
  return {
    stage: values.stage,
    topGatewayUrl: values.topGatewayUrl,
    aeGatewayUrl: values.aeGatewayUrl,
    aeProtocol: values.aeProtocol,
    egressIp: values.egressIp,
    secrets: {
      topCredentials: values.topCredentialsSecret,
      wmsWebhook: values.wmsWebhookSecret,
      storefrontWebhook: values.storefrontWebhookSecret,
    },
    schedules: {
      sweepMinutes: values.sweepMinutes,
      dispatchMinutes: values.dispatchMinutes,
      renewMinutes: values.renewMinutes,
    },
    publicUrl: values.publicUrl,
    api: { rateLimit: values.apiRateLimit, burstLimit: values.apiBurstLimit },
    refresh,
    alarmEmail: values.alarmEmail,
    logRetentionDays: values.logRetentionDays as RetentionDays,
  };
}

/**
 * The refresh's workers and each one's pace: `refreshCallsPerSecond`, else the rule's pace for
 * `topCallsPerSecond` ({@link refreshCallsPerSecond}), else 20. A pace whose budget (times the
 * workers) is over the rule's share of `topCallsPerSecond` is refused: it would meet the ban.
 */
function refreshPace(values: {
  refreshWorkers: number;
  refreshCallsPerSecond?: number | undefined;
  topCallsPerSecond?: number | undefined;
}): StackSettings['refresh'] | string {
  const { refreshWorkers: workers, refreshCallsPerSecond: given, topCallsPerSecond: limit } = values;
  if (limit === undefined) return { workers, callsPerSecond: given ?? 20 };
  const budget = Math.floor(limit * REFRESH_BUDGET_SHARE);
  if (given === undefined) {
    if (budget < workers)
      return `topCallsPerSecond ${limit} leaves the ${workers} refresh workers less than one call a second each`;
    return { workers, callsPerSecond: refreshCallsPerSecond(limit, workers) };
  }
  if (given * workers > budget) {
    return (
      `refreshCallsPerSecond × refreshWorkers (${given} × ${workers} = ${given * workers}) must be at most ` +
      `${Math.round(REFRESH_BUDGET_SHARE * 100)}% of topCallsPerSecond (${budget} of ${limit}): the refresh would meet the platform's ban`
    );
  }
  return { workers, callsPerSecond: given };
}
