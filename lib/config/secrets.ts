import type { Environment, Problems } from './environment.ts';

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

// The variables holding each source's secret: its Secrets Manager id in AWS, its value locally.
const WEBHOOK_ENV = {
  wms: { id: 'WMS_WEBHOOK_SECRET_ID', value: 'WMS_WEBHOOK_SECRET' },
  storefront: { id: 'STOREFRONT_WEBHOOK_SECRET_ID', value: 'STOREFRONT_WEBHOOK_SECRET' },
} as const satisfies Record<WebhookSource, { id: string; value: string }>;

/** The secrets section, with the signing secrets of `sources`; or what keeps it from being read. */
export function secretsConfig(
  values: Environment,
  sources: readonly WebhookSource[],
): SecretsConfig | Problems {
  const fromSecretsManager = values.TOP_CREDENTIALS_SECRET_ID !== undefined;
  const fromEnvironment = values.TOP_APP_KEY !== undefined || values.TOP_APP_SECRET !== undefined;
  if (fromSecretsManager && fromEnvironment) {
    return [
      'set either TOP_CREDENTIALS_SECRET_ID (Secrets Manager) or TOP_APP_KEY/TOP_APP_SECRET (local), not both',
    ];
  }
  const aeKeys = [values.AE_APP_KEY, values.AE_APP_SECRET].filter((value) => value !== undefined).length;
  if (fromSecretsManager && aeKeys > 0) {
    return [
      'AE_APP_KEY/AE_APP_SECRET are for local runs; with TOP_CREDENTIALS_SECRET_ID put ae_app_key/ae_app_secret in the secret',
    ];
  }
  if (fromSecretsManager) {
    const missing = sources.filter((source) => values[WEBHOOK_ENV[source].id] === undefined);
    if (missing.length > 0) return missing.map((s) => `${WEBHOOK_ENV[s].id} is required`);
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
  if (problems.length > 0) return problems;
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
