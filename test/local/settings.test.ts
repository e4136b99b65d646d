import { describe, expect, it } from 'vitest';
import {
  LOCAL_DEFAULTS,
  LocalSettingsError,
  mask,
  readLocalSettings,
  signingSecret,
  summarizeSettings,
} from '#local/settings.ts';

const CWD = '/srv/top-webhooks';
const WHSEC_A = `whsec_${Buffer.from('secret-a-secret-a-secret-a').toString('base64')}`;
const WHSEC_B = `whsec_${Buffer.from('secret-b-secret-b-secret-b').toString('base64')}`;

describe('readLocalSettings', () => {
  it('falls back to the local defaults for an empty environment', () => {
    const settings = readLocalSettings({}, CWD);

    expect(settings).toMatchObject({
      port: 3000,
      dataDir: '/srv/top-webhooks/.data',
      topGatewayUrl: undefined,
      aeGatewayUrl: undefined,
      aeProtocol: 'iop',
      aeApp: undefined,
      topAppKey: '12345678',
      topAppSecret: 'local-top-app-secret',
      topSession: 'shop-1=local-seller-session',
      sellers: { 'shop-1': 'local-seller-session' },
      topSignMethod: 'hmac-sha256',
      webhookSecrets: {
        wms: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
        storefront: LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
      },
      scheduleIntervalSeconds: 5,
      retryBaseSeconds: 2,
      refreshIntervalSeconds: 60,
      publicUrl: undefined,
      simTokenTtls: {},
    });
    expect(settings.defaulted.size).toBe(19);
  });

  it('uses clearly local Standard Webhooks secrets by default, one per source', () => {
    const decode = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64').toString();

    expect(decode(LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET)).toBe('local-wms-webhook-secret-0001');
    expect(decode(LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET)).toBe('local-storefront-webhook-secret-0001');
  });

  it('reads every variable it knows, and marks only the unset ones as defaulted', () => {
    const settings = readLocalSettings(
      {
        PORT: '0',
        DATA_DIR: '/var/lib/stack',
        TOP_GATEWAY_URL: 'https://eco.taobao.com/router/rest',
        AE_GATEWAY_URL: 'https://api-sg.aliexpress.com',
        AE_PROTOCOL: 'iop',
        AE_APP_KEY: 'ae-app',
        AE_APP_SECRET: 'ae-secret',
        TOP_APP_KEY: 'app',
        TOP_APP_SECRET: 'secret',
        TOP_SESSION: 'shop-1=s1, shop-2=s2',
        TOP_SIGN_METHOD: 'md5',
        WMS_WEBHOOK_SECRET: WHSEC_A,
        STOREFRONT_WEBHOOK_SECRET: `${WHSEC_B} ${WHSEC_A}`,
        SCHEDULE_INTERVAL_SECONDS: '0.5',
        RETRY_BASE_SECONDS: '30',
        PUBLIC_URL: 'https://hooks.example.com/stack/',
        TOP_SIM_ACCESS_TTL_SECONDS: '40',
        TOP_SIM_REFRESH_TTL_SECONDS: '400',
        UNRELATED: 'ignored',
      },
      CWD,
    );

    expect(settings).toMatchObject({
      port: 0,
      dataDir: '/var/lib/stack',
      topGatewayUrl: 'https://eco.taobao.com/router/rest',
      aeGatewayUrl: 'https://api-sg.aliexpress.com',
      aeProtocol: 'iop',
      aeApp: { key: 'ae-app', secret: 'ae-secret' },
      topAppKey: 'app',
      topAppSecret: 'secret',
      topSession: 'shop-1=s1, shop-2=s2',
      sellers: { 'shop-1': 's1', 'shop-2': 's2' },
      topSignMethod: 'md5',
      webhookSecrets: { wms: WHSEC_A, storefront: `${WHSEC_B} ${WHSEC_A}` },
      scheduleIntervalSeconds: 0.5,
      retryBaseSeconds: 30,
      refreshIntervalSeconds: 60,
      publicUrl: 'https://hooks.example.com/stack',
      simTokenTtls: { accessTtlMs: 40_000, refreshTtlMs: 400_000 },
    });
    expect([...settings.defaulted]).toEqual(['REFRESH_INTERVAL_SECONDS']);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(readLocalSettings({ DATA_DIR: 'tmp/data' }, CWD).dataDir).toBe('/srv/top-webhooks/tmp/data');
  });

  it('files a bare TOP_SESSION under the default seller', () => {
    expect(readLocalSettings({ TOP_SESSION: 'only-session' }, CWD).sellers).toEqual({
      default: 'only-session',
    });
  });

  it('treats an empty or blank variable as unset', () => {
    const settings = readLocalSettings({ PORT: '', TOP_APP_SECRET: '  ' }, CWD);

    expect([settings.port, settings.topAppSecret]).toEqual([3000, 'local-top-app-secret']);
    expect(settings.defaulted.has('PORT')).toBe(true);
  });

  it.each([
    { name: 'PORT', value: 'http' },
    { name: 'PORT', value: '65536' },
    { name: 'PORT', value: '-1' },
    { name: 'PORT', value: '30.5' },
    { name: 'TOP_GATEWAY_URL', value: 'eco.taobao.com/router/rest' },
    { name: 'TOP_GATEWAY_URL', value: 'ftp://eco.taobao.com/router/rest' },
    { name: 'AE_GATEWAY_URL', value: 'api-sg.aliexpress.com' },
    { name: 'AE_PROTOCOL', value: 'gop' },
    { name: 'TOP_SIGN_METHOD', value: 'sha1' },
    { name: 'TOP_SESSION', value: 'shop-1=' },
    { name: 'TOP_SESSION', value: 'shop-1=a,shop-1=b' },
    { name: 'WMS_WEBHOOK_SECRET', value: 'not-a-whsec' },
    { name: 'STOREFRONT_WEBHOOK_SECRET', value: 'whsec_!!!' },
    { name: 'SCHEDULE_INTERVAL_SECONDS', value: '0' },
    { name: 'RETRY_BASE_SECONDS', value: 'soon' },
    { name: 'REFRESH_INTERVAL_SECONDS', value: '-60' },
  ])('throws LocalSettingsError naming $name when it is "$value"', ({ name, value }) => {
    expect(() => readLocalSettings({ [name]: value }, CWD)).toThrow(LocalSettingsError);
    expect(() => readLocalSettings({ [name]: value }, CWD)).toThrow(name);
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        readLocalSettings({ PORT: 'x', SCHEDULE_INTERVAL_SECONDS: '0' }, CWD);
      } catch (caught) {
        return caught as LocalSettingsError;
      }
    })();

    expect(error?.problems).toEqual([
      expect.stringMatching(/^PORT /),
      expect.stringMatching(/^SCHEDULE_INTERVAL_SECONDS /),
    ]);
  });
});

describe('summarizeSettings', () => {
  it('shows every variable, marks the defaults, and masks the TOP secret and the sessions', () => {
    const lines = summarizeSettings(readLocalSettings({ TOP_APP_KEY: 'app-7' }, CWD));
    const text = lines.join('\n');

    expect(lines).toHaveLength(19);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}TOP_APP_KEY +app-7$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}PORT +3000 {2}\(default\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}TOP_SESSION +shop-1=loca… \(20 chars\) {2}\(default\)$/),
    );
    expect(text).not.toContain('local-top-app-secret');
    expect(text).not.toContain('local-seller-session');
    expect(text).toContain(LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET);
    expect(text).toContain(LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET);
  });

  it('masks webhook secrets that are not the local defaults', () => {
    const text = summarizeSettings(readLocalSettings({ WMS_WEBHOOK_SECRET: WHSEC_A }, CWD)).join('\n');

    expect(text).not.toContain(WHSEC_A);
    expect(text).toContain(LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET);
  });

  it('says the simulator stands in for AliExpress too when AE_GATEWAY_URL is unset, and that AE_PROTOCOL=top leaves it unused', () => {
    expect(summarizeSettings(readLocalSettings({}, CWD))).toContainEqual(
      expect.stringMatching(/AE_GATEWAY_URL +\(unset: the simulator, started in-process\)/),
    );
    expect(summarizeSettings(readLocalSettings({ AE_PROTOCOL: 'top' }, CWD))).toContainEqual(
      expect.stringMatching(/AE_GATEWAY_URL +\(unused: AE_PROTOCOL=top\)/),
    );
  });

  it('masks the AliExpress app secret and asks for both AliExpress keys or neither', () => {
    const text = summarizeSettings(
      readLocalSettings({ AE_APP_KEY: 'ae-app', AE_APP_SECRET: 'ae-app-secret-0123456789' }, CWD),
    ).join('\n');
    expect(text).not.toContain('ae-app-secret-0123456789');
    expect(() => readLocalSettings({ AE_APP_KEY: 'ae-app' }, CWD)).toThrow(
      'AE_APP_KEY and AE_APP_SECRET go together: set both or neither',
    );
  });

  it('says the simulator stands in when TOP_GATEWAY_URL is unset', () => {
    expect(summarizeSettings(readLocalSettings({}, CWD))).toContainEqual(
      expect.stringMatching(/TOP_GATEWAY_URL +\(unset: the TOP simulator, started in-process\)/),
    );
  });
});

describe('mask', () => {
  it.each([
    ['local-top-app-secret', 'loca… (20 chars)'],
    ['short-secret', '… (12 chars)'],
  ])('%s → %s', (value, masked) => {
    expect(mask(value)).toBe(masked);
  });
});

describe('signingSecret', () => {
  it('signs with the first of several secrets', () => {
    expect(signingSecret(` ${WHSEC_B}\n${WHSEC_A} `)).toBe(WHSEC_B);
    expect(signingSecret(WHSEC_A)).toBe(WHSEC_A);
  });
});
