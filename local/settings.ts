import { resolve } from 'node:path';
import * as z from 'zod';
import { parseSessions } from '#lib/config/secrets.ts';
import { PROTOCOLS, type Protocol } from '#lib/top/platform.ts';
import { isSignMethod, SIGN_METHODS, type SignMethod } from '#lib/top/sign.ts';
import { SIM_DEFAULTS } from './top-sim/settings.ts';

const localSecret = (name: string) =>
  `whsec_${Buffer.from(`local-${name}-webhook-secret-0001`).toString('base64')}`;

/** What `npm start` uses for a variable that is not set; printed at start. Clearly local, never real. */
export const LOCAL_DEFAULTS = {
  PORT: 3000,
  /** The in-process simulator's, as `npm run top-sim`'s: its control routes are at a known address. */
  TOP_SIM_PORT: SIM_DEFAULTS.port,
  /** Relative to the working directory. */
  DATA_DIR: '.data',
  TOP_APP_KEY: SIM_DEFAULTS.appKey,
  TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
  TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
  TOP_SIGN_METHOD: 'hmac-sha256',
  AE_PROTOCOL: 'iop',
  WMS_WEBHOOK_SECRET: localSecret('wms'),
  STOREFRONT_WEBHOOK_SECRET: localSecret('storefront'),
  SCHEDULE_INTERVAL_SECONDS: 5,
  RETRY_BASE_SECONDS: 2,
  REFRESH_INTERVAL_SECONDS: 60,
} as const satisfies Record<string, string | number>;

/** Every variable the local stack reads. */
export type LocalVariable =
  | keyof typeof LOCAL_DEFAULTS
  | 'TOP_GATEWAY_URL'
  | 'AE_GATEWAY_URL'
  | 'AE_APP_KEY'
  | 'AE_APP_SECRET'
  | 'PUBLIC_URL'
  | 'TOP_SIM_ACCESS_TTL_SECONDS'
  | 'TOP_SIM_REFRESH_TTL_SECONDS';

/** The local stack's settings, read from the environment. */
export interface LocalSettings {
  readonly port: number;
  /** The in-process simulator's port, when the stack starts it (0 picks a free one). */
  readonly simPort: number;
  /** Absolute. */
  readonly dataDir: string;
  /** Unset: the stack starts the TOP simulator and uses it. */
  readonly topGatewayUrl: string | undefined;
  /** The AliExpress Open Platform's host; unset: the simulator serves it too. */
  readonly aeGatewayUrl: string | undefined;
  readonly aeProtocol: Protocol;
  /** AliExpress' own app keys, when they differ from the TOP app's. */
  readonly aeApp: { readonly key: string; readonly secret: string } | undefined;
  readonly topAppKey: string;
  readonly topAppSecret: string;
  /** As given: the functions read it themselves. */
  readonly topSession: string;
  /** Seller id → session, from `topSession`. */
  readonly sellers: Readonly<Record<string, string>>;
  readonly topSignMethod: SignMethod;
  /** As given: one `whsec_` secret, or several separated by whitespace, newest first. */
  readonly webhookSecrets: { readonly wms: string; readonly storefront: string };
  readonly scheduleIntervalSeconds: number;
  readonly retryBaseSeconds: number;
  readonly refreshIntervalSeconds: number;
  /** Where sellers' browsers reach this stack (the OAuth callback); unset: the local API's address. */
  readonly publicUrl: string | undefined;
  /** Lifetimes of the tokens the in-process simulator issues; unset: the platform's (30 and 60 days). */
  readonly simTokenTtls: { readonly accessTtlMs?: number; readonly refreshTtlMs?: number };
  /** The variables left unset, so that their default applies. */
  readonly defaulted: ReadonlySet<LocalVariable>;
}

/** The environment holds a value the local stack cannot use. */
export class LocalSettingsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`invalid local settings: ${problems.join('; ')}`, options);
    this.name = 'LocalSettingsError';
    this.problems = problems;
  }
}

const text = z.string().trim().min(1, 'must not be empty');
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be a port number (0 picks a free one)')
    .max(65_535, 'must be a port number')
    .default(fallback);
/** What `TOP_SESSION` must look like here: a bare session would serve a seller named `default`, no one's. */
const TOP_SESSION_FORMAT = 'seller=session[,seller=session…]';
const seconds = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).positive('must be a positive number').default(fallback);
const WHSEC = 'whsec_[A-Za-z0-9+/]+={0,2}';
// Several secrets, separated by whitespace, while one is rotated: the functions accept any of them.
const webhookSecret = (fallback: string) =>
  z
    .string()
    .regex(
      new RegExp(`^\\s*${WHSEC}(\\s+${WHSEC})*\\s*$`),
      'must be whsec_ followed by the base64 of the key (several separated by spaces)',
    )
    .default(fallback);

const Environment = z.object({
  PORT: port(LOCAL_DEFAULTS.PORT),
  TOP_SIM_PORT: port(LOCAL_DEFAULTS.TOP_SIM_PORT),
  DATA_DIR: text.default(LOCAL_DEFAULTS.DATA_DIR),
  TOP_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  AE_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  AE_PROTOCOL: z
    .enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(', ')}` })
    .default(LOCAL_DEFAULTS.AE_PROTOCOL),
  AE_APP_KEY: text.optional(),
  AE_APP_SECRET: text.optional(),
  TOP_APP_KEY: text.default(LOCAL_DEFAULTS.TOP_APP_KEY),
  TOP_APP_SECRET: text.default(LOCAL_DEFAULTS.TOP_APP_SECRET),
  TOP_SESSION: text.default(LOCAL_DEFAULTS.TOP_SESSION),
  TOP_SIGN_METHOD: z
    .string()
    .refine(isSignMethod, `must be one of ${SIGN_METHODS.join(', ')}`)
    .default(LOCAL_DEFAULTS.TOP_SIGN_METHOD),
  WMS_WEBHOOK_SECRET: webhookSecret(LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET),
  STOREFRONT_WEBHOOK_SECRET: webhookSecret(LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET),
  SCHEDULE_INTERVAL_SECONDS: seconds(LOCAL_DEFAULTS.SCHEDULE_INTERVAL_SECONDS),
  RETRY_BASE_SECONDS: seconds(LOCAL_DEFAULTS.RETRY_BASE_SECONDS),
  REFRESH_INTERVAL_SECONDS: seconds(LOCAL_DEFAULTS.REFRESH_INTERVAL_SECONDS),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  TOP_SIM_ACCESS_TTL_SECONDS: z.coerce.number().positive('must be a positive number of seconds').optional(),
  TOP_SIM_REFRESH_TTL_SECONDS: z.coerce.number().positive('must be a positive number of seconds').optional(),
});
const VARIABLES = Object.keys(Environment.shape) as LocalVariable[];

/**
 * Reads the local stack's settings; a variable that is unset or empty takes its default.
 * Throws {@link LocalSettingsError} naming every bad variable.
 */
export function readLocalSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): LocalSettings {
  const present: Record<string, string> = {};
  for (const name of VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  const parsed = Environment.safeParse(present);
  if (!parsed.success) {
    throw new LocalSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    );
  }
  const values = parsed.data;
  if ((values.AE_APP_KEY === undefined) !== (values.AE_APP_SECRET === undefined)) {
    throw new LocalSettingsError(['AE_APP_KEY and AE_APP_SECRET go together: set both or neither']);
  }
  const sellers = readSellers(values.TOP_SESSION);
  const settings: LocalSettings = {
    port: values.PORT,
    simPort: values.TOP_SIM_PORT,
    dataDir: resolve(cwd, values.DATA_DIR),
    topGatewayUrl: values.TOP_GATEWAY_URL,
    aeGatewayUrl: values.AE_GATEWAY_URL,
    aeProtocol: values.AE_PROTOCOL,
    aeApp:
      values.AE_APP_KEY && values.AE_APP_SECRET
        ? { key: values.AE_APP_KEY, secret: values.AE_APP_SECRET }
        : undefined,
    topAppKey: values.TOP_APP_KEY,
    topAppSecret: values.TOP_APP_SECRET,
    topSession: values.TOP_SESSION,
    sellers,
    topSignMethod: values.TOP_SIGN_METHOD as SignMethod,
    webhookSecrets: { wms: values.WMS_WEBHOOK_SECRET, storefront: values.STOREFRONT_WEBHOOK_SECRET },
    scheduleIntervalSeconds: values.SCHEDULE_INTERVAL_SECONDS,
    retryBaseSeconds: values.RETRY_BASE_SECONDS,
    refreshIntervalSeconds: values.REFRESH_INTERVAL_SECONDS,
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    simTokenTtls: {
      ...(values.TOP_SIM_ACCESS_TTL_SECONDS && { accessTtlMs: values.TOP_SIM_ACCESS_TTL_SECONDS * 1000 }),
      ...(values.TOP_SIM_REFRESH_TTL_SECONDS && { refreshTtlMs: values.TOP_SIM_REFRESH_TTL_SECONDS * 1000 }),
    },
    defaulted: new Set(VARIABLES.filter((name) => !(name in present))),
  };
  if (runsSimulator(settings) && settings.port !== 0 && settings.port === settings.simPort) {
    throw new LocalSettingsError([
      `PORT and TOP_SIM_PORT are both ${settings.port}: the API and the simulator need a port each`,
    ]);
  }
  return settings;
}

/**
 * Seller id → session. Stricter than the functions' own reading: a bare session (no `seller=`) would
 * serve only a seller named `default`, and every webhook naming a real seller would be refused.
 * Never quotes the value, which may be a real session.
 */
function readSellers(value: string): Record<string, string> {
  const entries = value.split(',').map((entry) => entry.trim());
  const problems = entries.flatMap((entry, index) => {
    if (entry === '') return [];
    const at = entries.length > 1 ? `entry ${index + 1} of ${entries.length}` : 'the value';
    const split = entry.indexOf('=');
    if (split < 0) return [`${at} has no seller=`];
    if (entry.slice(0, split).trim() === '') return [`${at} has an empty seller`];
    if (entry.slice(split + 1).trim() === '') return [`${at} has an empty session`];
    return [];
  });
  if (problems.length === 0 && entries.every((entry) => entry === '')) problems.push('it names no seller');
  if (problems.length > 0) {
    throw new LocalSettingsError([
      `TOP_SESSION must be ${TOP_SESSION_FORMAT} (e.g. ${LOCAL_DEFAULTS.TOP_SESSION}): ${problems.join(', ')}`,
    ]);
  }
  try {
    // The functions' own reading, which names a seller given twice.
    return parseSessions(value);
  } catch (error) {
    throw new LocalSettingsError([(error as Error).message], { cause: error });
  }
}

/**
 * One line per variable, its value, and `(default)` where the default applies. The TOP secret and the
 * sessions are masked; a webhook secret is shown in full while it is the local default, since signing
 * a request by hand needs it.
 */
export function summarizeSettings(settings: LocalSettings): string[] {
  const secret = (name: 'WMS_WEBHOOK_SECRET' | 'STOREFRONT_WEBHOOK_SECRET', value: string) =>
    settings.defaulted.has(name) ? value : mask(value);
  const shown: Record<LocalVariable, string> = {
    PORT: String(settings.port),
    TOP_SIM_PORT: simPort(settings),
    DATA_DIR: settings.dataDir,
    TOP_GATEWAY_URL: settings.topGatewayUrl ?? '(unset: the TOP simulator, started in-process)',
    TOP_APP_KEY: settings.topAppKey,
    TOP_APP_SECRET: mask(settings.topAppSecret),
    TOP_SESSION: Object.entries(settings.sellers)
      .map(([seller, session]) => `${seller}=${mask(session)}`)
      .join(','),
    TOP_SIGN_METHOD: settings.topSignMethod,
    AE_GATEWAY_URL:
      settings.aeGatewayUrl ??
      (settings.aeProtocol === 'top'
        ? '(unused: AE_PROTOCOL=top)'
        : '(unset: the simulator, started in-process)'),
    AE_PROTOCOL: settings.aeProtocol,
    AE_APP_KEY: settings.aeApp?.key ?? '(unset: TOP_APP_KEY serves both platforms)',
    AE_APP_SECRET: settings.aeApp ? mask(settings.aeApp.secret) : '(unset)',
    WMS_WEBHOOK_SECRET: secret('WMS_WEBHOOK_SECRET', settings.webhookSecrets.wms),
    STOREFRONT_WEBHOOK_SECRET: secret('STOREFRONT_WEBHOOK_SECRET', settings.webhookSecrets.storefront),
    SCHEDULE_INTERVAL_SECONDS: String(settings.scheduleIntervalSeconds),
    RETRY_BASE_SECONDS: String(settings.retryBaseSeconds),
    REFRESH_INTERVAL_SECONDS: String(settings.refreshIntervalSeconds),
    PUBLIC_URL: settings.publicUrl ?? `(unset: the local API, http://127.0.0.1:${settings.port || '<port>'})`,
    TOP_SIM_ACCESS_TTL_SECONDS: ttl(settings.simTokenTtls.accessTtlMs, '30 days'),
    TOP_SIM_REFRESH_TTL_SECONDS: ttl(settings.simTokenTtls.refreshTtlMs, '60 days'),
  };
  const width = Math.max(...VARIABLES.map((name) => name.length));
  return VARIABLES.map(
    (name) => `  ${name.padEnd(width)}  ${shown[name]}${settings.defaulted.has(name) ? '  (default)' : ''}`,
  );
}

/** The variable that sets a port the stack listens on, for an error to name. */
export function portVariable(settings: LocalSettings, port: number): 'PORT' | 'TOP_SIM_PORT' | undefined {
  if (port === settings.port) return 'PORT';
  if (port === settings.simPort && runsSimulator(settings)) return 'TOP_SIM_PORT';
  return undefined;
}

/** Whether the stack starts the simulator itself: some gateway is left to it. */
export const runsSimulator = (settings: LocalSettings): boolean =>
  !settings.topGatewayUrl || (settings.aeProtocol === 'iop' && !settings.aeGatewayUrl);

const simPort = (settings: LocalSettings) =>
  runsSimulator(settings)
    ? `${settings.simPort}${settings.simPort === 0 ? ' (a free port)' : ''}`
    : `(unused: TOP_GATEWAY_URL${settings.aeProtocol === 'iop' ? ' and AE_GATEWAY_URL are' : ' is'} set)`;

const ttl = (ms: number | undefined, platform: string) =>
  ms === undefined ? `(unset: the platform's ${platform})` : String(ms / 1000);

/** Enough to tell which value is configured, never enough to use it. */
export function mask(value: string): string {
  const shown = value.length >= 16 ? value.slice(0, 4) : '';
  return `${shown}… (${value.length} chars)`;
}

/** The secret a sender signs with: the first (newest) of a source's secrets. */
export const signingSecret = (secrets: string): string => secrets.trim().split(/\s+/)[0] ?? secrets;
