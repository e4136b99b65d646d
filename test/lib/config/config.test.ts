import { describe, expect, it } from 'vitest';
import { loadConfig } from '#lib/config/config.ts';
import { parseSessions } from '#lib/config/secrets.ts';
import { configProblemsOf, LOCAL_ENV } from '#test/helpers/config.ts';

const local = {
  ...LOCAL_ENV,
  TOP_SESSION: 'shop-1=session-1,shop-2=session-2',
  WMS_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const problemsOf = configProblemsOf;

describe('loadConfig', () => {
  it('fills the defaults around the required keys', () => {
    const config = loadConfig(local, { webhookSources: ['wms'] });
    expect(config).toMatchObject({
      operationsTable: 'operations',
      dynamodbEndpoint: undefined,
      topSignMethod: 'hmac-sha256',
      topDeadlineMs: 5000,
      retry: { baseMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 10, maxAgeMs: 86_400_000 },
      idempotencyTtlSeconds: 7 * 86_400,
    });
  });

  it('keeps local secrets in the layout of the Secrets Manager secret', () => {
    const { secrets } = loadConfig(local, { webhookSources: ['wms'] });
    expect(secrets.kind).toBe('environment');
    if (secrets.kind !== 'environment') return;
    expect(JSON.parse(secrets.topCredentials)).toEqual({
      app_key: '12345678',
      app_secret: 'app-secret',
      sign_method: 'hmac-sha256',
      sellers: { 'shop-1': 'session-1', 'shop-2': 'session-2' },
    });
    expect(secrets.webhookSecrets).toEqual({ wms: local.WMS_WEBHOOK_SECRET });
  });

  it('names every missing key at once', () => {
    expect(problemsOf(() => loadConfig({}, { webhookSources: ['storefront'] }))).toEqual([
      'OPERATIONS_TABLE is required',
      'TOP_GATEWAY_URL is required',
    ]);
    const { TOP_APP_SECRET: _, ...withoutSecret } = local;
    expect(problemsOf(() => loadConfig(withoutSecret, { webhookSources: ['storefront'] }))).toEqual([
      'TOP_APP_SECRET is required (or TOP_CREDENTIALS_SECRET_ID)',
      'STOREFRONT_WEBHOOK_SECRET is required',
    ]);
  });

  it('refuses unusable values, naming the key', () => {
    expect(problemsOf(() => loadConfig({ ...local, TOP_GATEWAY_URL: 'not a url' }))).toEqual([
      'TOP_GATEWAY_URL must be a URL',
    ]);
    expect(problemsOf(() => loadConfig({ ...local, TOP_SIGN_METHOD: 'sha1' }))).toEqual([
      'TOP_SIGN_METHOD must be one of md5, hmac, hmac-sha256',
    ]);
    expect(problemsOf(() => loadConfig({ ...local, RETRY_MAX_ATTEMPTS: '2.5' }))).toEqual([
      'RETRY_MAX_ATTEMPTS must be a whole number',
    ]);
    expect(
      problemsOf(() => loadConfig({ ...local, RETRY_BASE_SECONDS: '60', RETRY_MAX_SECONDS: '30' })),
    ).toEqual(['RETRY_MAX_SECONDS must not be less than RETRY_BASE_SECONDS']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...local, DYNAMODB_ENDPOINT: '', RETRY_BASE_SECONDS: '' }).retry.baseMs).toBe(30_000);
  });

  it('reads Secrets Manager ids in AWS and requires the webhook secret of the function', () => {
    const aws = {
      OPERATIONS_TABLE: 'ops',
      TOP_GATEWAY_URL: 'https://eco.taobao.com/router/rest',
      AE_GATEWAY_URL: 'https://api-sg.aliexpress.com',
      TOP_CREDENTIALS_SECRET_ID: 'top/credentials',
      STOREFRONT_WEBHOOK_SECRET_ID: 'top/storefront-webhook',
    };
    expect(loadConfig(aws, { webhookSources: ['storefront'] }).secrets).toEqual({
      kind: 'secrets-manager',
      maxAgeSeconds: 300,
      topCredentialsId: 'top/credentials',
      webhookSecretIds: { storefront: 'top/storefront-webhook' },
    });
    expect(problemsOf(() => loadConfig(aws, { webhookSources: ['wms'] }))).toEqual([
      'WMS_WEBHOOK_SECRET_ID is required',
    ]);
  });

  it('refuses secrets from both Secrets Manager and the environment', () => {
    expect(problemsOf(() => loadConfig({ ...local, TOP_CREDENTIALS_SECRET_ID: 'top/credentials' }))).toEqual([
      'set either TOP_CREDENTIALS_SECRET_ID (Secrets Manager) or TOP_APP_KEY/TOP_APP_SECRET (local), not both',
    ]);
  });
});

describe('parseSessions', () => {
  it('reads seller=session entries and files a bare session under the default seller', () => {
    expect(parseSessions(' shop-1 = a , shop-2=b=c ')).toEqual({ 'shop-1': 'a', 'shop-2': 'b=c' });
    expect(parseSessions('only-session')).toEqual({ default: 'only-session' });
    expect(parseSessions('')).toEqual({});
  });

  it('refuses an empty seller or session and a seller named twice', () => {
    expect(() => parseSessions('=abc')).toThrow('TOP_SESSION must be');
    expect(() => parseSessions('shop-1=')).toThrow('TOP_SESSION must be');
    expect(() => parseSessions('a=1,a=2')).toThrow('names seller a twice');
  });

  describe('the AliExpress platform', () => {
    it('calls aliexpress.* over IOP at AE_GATEWAY_URL by default', () => {
      const config = loadConfig(local);
      expect([config.aeProtocol, config.aeGatewayUrl]).toEqual(['iop', 'http://127.0.0.1:4100']);
    });

    it('requires AE_GATEWAY_URL for IOP, and not with AE_PROTOCOL=top', () => {
      const { AE_GATEWAY_URL: _, ...withoutAe } = local;
      expect(problemsOf(() => loadConfig(withoutAe))).toEqual([
        'AE_GATEWAY_URL is required (the AliExpress Open Platform, e.g. https://api-sg.aliexpress.com), unless AE_PROTOCOL=top',
      ]);
      expect(loadConfig({ ...withoutAe, AE_PROTOCOL: 'top' })).toMatchObject({
        aeProtocol: 'top',
        aeGatewayUrl: undefined,
      });
    });

    it('names a protocol it does not know', () => {
      expect(problemsOf(() => loadConfig({ ...local, AE_PROTOCOL: 'gop' }))).toEqual([
        'AE_PROTOCOL must be one of iop, top',
      ]);
    });

    it('puts a second app pair for AliExpress in the local credentials, both keys or neither', () => {
      const config = loadConfig({ ...local, AE_APP_KEY: '87654321', AE_APP_SECRET: 'ae-secret' });
      expect(
        config.secrets.kind === 'environment' && JSON.parse(config.secrets.topCredentials),
      ).toMatchObject({
        app_key: '12345678',
        ae_app_key: '87654321',
        ae_app_secret: 'ae-secret',
      });
      expect(problemsOf(() => loadConfig({ ...local, AE_APP_KEY: '87654321' }))).toEqual([
        'AE_APP_KEY and AE_APP_SECRET go together: set both or neither',
      ]);
    });

    it('refuses local AliExpress keys beside the Secrets Manager secret, which holds them', () => {
      const aws = {
        OPERATIONS_TABLE: 'ops',
        TOP_GATEWAY_URL: 'https://eco.taobao.com/router/rest',
        AE_GATEWAY_URL: 'https://api-sg.aliexpress.com',
        TOP_CREDENTIALS_SECRET_ID: 'top/credentials',
        AE_APP_KEY: '87654321',
      };
      expect(problemsOf(() => loadConfig(aws))).toEqual([
        'AE_APP_KEY/AE_APP_SECRET are for local runs; with TOP_CREDENTIALS_SECRET_ID put ae_app_key/ae_app_secret in the secret',
      ]);
    });
  });
});
