import * as z from 'zod/mini';
import '#lib/errors/zod-english.ts';
import { SIGN_METHODS } from '#lib/top/sign.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { SecretFormatError } from './errors.ts';

/**
 * The TOP credentials secret, read: the app's keys alone, the keys for AliExpress (the same pair
 * unless the secret gives a second one), and each seller's credentials by seller id.
 */
export interface TopCredentialsSecret {
  readonly app: TopCredentials;
  readonly aeApp: TopCredentials;
  readonly sellers: ReadonlyMap<string, TopCredentials>;
  /** The same sellers with AliExpress' app keys. */
  readonly aeSellers: ReadonlyMap<string, TopCredentials>;
}

// Messages are ours: they name what is wrong and never echo the input.
const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .check(z.trim(), z.minLength(1, 'must not be empty'));

const Layout = z
  .object(
    {
      app_key: text,
      app_secret: text,
      ae_app_key: z.optional(text),
      ae_app_secret: z.optional(text),
      sign_method: z.optional(z.enum(SIGN_METHODS, { error: `must be one of ${SIGN_METHODS.join(', ')}` })),
      sellers: z._default(
        z.record(z.string().check(z.trim(), z.minLength(1)), text, {
          error: (issue) =>
            issue.code === 'invalid_key'
              ? 'has an empty seller id'
              : 'must be an object of seller id → session key',
        }),
        {},
      ),
    },
    { error: 'must be a JSON object' },
  )
  .check(
    z.refine((layout) => (layout.ae_app_key === undefined) === (layout.ae_app_secret === undefined), {
      message: 'goes with ae_app_secret: give both or neither',
      path: ['ae_app_key'],
    }),
  );

/**
 * Reads the TOP credentials secret (JSON):
 * `{ "app_key": "12345678", "app_secret": "…", "sign_method": "hmac-sha256", "sellers": { "shop-1": "<session>" } }`.
 * `sign_method` (md5 | hmac | hmac-sha256, TOP only) is optional; `sellers` may be empty or absent (the
 * WMS flow needs no session). `ae_app_key` / `ae_app_secret` give AliExpress its own app; without
 * them the one app serves both platforms. A seller's session is sent on both. Throws {@link SecretFormatError} naming each bad field path.
 */
export function parseTopCredentialsSecret(secretId: string, value: string): TopCredentialsSecret {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // No cause: JSON.parse's message quotes the text around the error, i.e. part of the secret.
    throw new SecretFormatError(secretId, ['(root) is not valid JSON']);
  }
  const parsed = Layout.safeParse(json);
  if (!parsed.success) {
    throw new SecretFormatError(
      secretId,
      parsed.error.issues.map((issue) => {
        // A bad record key's path ends with the key itself: name the record instead.
        const path = issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path;
        return `${path.map(String).join('.') || '(root)'} ${issue.message}`;
      }),
    );
  }
  const { app_key: appKey, app_secret: appSecret, sign_method: signMethod, sellers } = parsed.data;
  const app: TopCredentials = { appKey, appSecret, signMethod };
  const { ae_app_key: aeAppKey, ae_app_secret: aeAppSecret } = parsed.data;
  const aeApp: TopCredentials =
    aeAppKey && aeAppSecret ? { appKey: aeAppKey, appSecret: aeAppSecret, signMethod } : app;
  const withSessions = (keys: TopCredentials) =>
    new Map(Object.entries(sellers).map(([sellerId, session]) => [sellerId, { ...keys, session }]));
  const tmallSellers = withSessions(app);
  return {
    app,
    aeApp,
    sellers: tmallSellers,
    aeSellers: aeApp === app ? tmallSellers : withSessions(aeApp),
  };
}
