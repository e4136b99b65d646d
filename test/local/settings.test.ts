import { describe, expect, it } from 'vitest';
import {
  LOCAL_DEFAULTS,
  LocalSettingsError,
  mask,
  portVariable,
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
      simPort: 4100,
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
    expect(settings.defaulted.size).toBe(20);
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
        TOP_SIM_PORT: '4200',
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
      simPort: 4200,
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

  // A bare session would serve a seller named `default`: every webhook naming a real seller would get 422.
  it.each([
    { value: 'garbage', problem: 'the value has no seller=' },
    { value: 'shop-1=s1,garbage', problem: 'entry 2 of 2 has no seller=' },
    { value: '=s1', problem: 'the value has an empty seller' },
    { value: 'shop-1=s1, shop-2= ', problem: 'entry 2 of 2 has an empty session' },
    { value: ', ,', problem: 'it names no seller' },
  ])('refuses TOP_SESSION=$value, naming the format and not the value', ({ value, problem }) => {
    const error = settingsError({ TOP_SESSION: value });

    expect(error?.message).toBe(
      `invalid local settings: TOP_SESSION must be seller=session[,seller=session…] (e.g. shop-1=local-seller-session): ${problem}`,
    );
    for (const session of ['garbage', 's1']) expect(error?.message).not.toContain(session);
  });

  it('names a seller given twice in TOP_SESSION', () => {
    expect(settingsError({ TOP_SESSION: 'shop-1=a,shop-1=b' })?.problems).toEqual([
      'TOP_SESSION names seller shop-1 twice',
    ]);
  });

  it('refuses PORT and TOP_SIM_PORT on one port, unless the simulator is not started or both pick a free one', () => {
    expect(settingsError({ PORT: '4100' })?.problems).toEqual([
      'PORT and TOP_SIM_PORT are both 4100: the API and the simulator need a port each',
    ]);
    const gateways = {
      TOP_GATEWAY_URL: 'http://127.0.0.1:9/router/rest',
      AE_GATEWAY_URL: 'http://127.0.0.1:9',
    };
    expect(readLocalSettings({ PORT: '4100', ...gateways }, CWD).port).toBe(4100);
    expect(readLocalSettings({ PORT: '0', TOP_SIM_PORT: '0' }, CWD).simPort).toBe(0);
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
    { name: 'TOP_SIM_PORT', value: '65536' },
    { name: 'TOP_SIM_PORT', value: 'sim' },
    { name: 'TOP_GATEWAY_URL', value: 'eco.taobao.com/router/rest' },
    { name: 'TOP_GATEWAY_URL', value: 'ftp://eco.taobao.com/router/rest' },
    { name: 'AE_GATEWAY_URL', value: 'api-sg.aliexpress.com' },
    { name: 'AE_PROTOCOL', value: 'gop' },
    { name: 'TOP_SIGN_METHOD', value: 'sha1' },
    { name: 'TOP_SESSION', value: 'shop-1=' },
    { name: 'TOP_SESSION', value: 'garbage' },
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

function settingsError(env: Record<string, string>): LocalSettingsError | undefined {
  try {
    readLocalSettings(env, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(LocalSettingsError);
    return error as LocalSettingsError;
  }
  return undefined;
}

describe('portVariable', () => {
  it('names the variable that sets a port the stack listens on', () => {
    const settings = readLocalSettings({ PORT: '3100', TOP_SIM_PORT: '4200' }, CWD);

    expect([3100, 4200, 5000].map((port) => portVariable(settings, port))).toEqual([
      'PORT',
      'TOP_SIM_PORT',
      undefined,
    ]);
  });
});

describe('summarizeSettings', () => {
  it('shows every variable, marks the defaults, and masks the TOP secret and the sessions', () => {
    const lines = summarizeSettings(readLocalSettings({ TOP_APP_KEY: 'app-7' }, CWD));
    const text = lines.join('\n');

    expect(lines).toHaveLength(20);
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

  it("shows the simulator's port, or that it is unused when both gateways are set", () => {
    expect(summarizeSettings(readLocalSettings({}, CWD))).toContainEqual(
      expect.stringMatching(/^ {2}TOP_SIM_PORT +4100 {2}\(default\)$/),
    );
    expect(summarizeSettings(readLocalSettings({ TOP_SIM_PORT: '0' }, CWD))).toContainEqual(
      expect.stringMatching(/^ {2}TOP_SIM_PORT +0 \(a free port\)$/),
    );
    const gateways = {
      TOP_GATEWAY_URL: 'http://127.0.0.1:9/router/rest',
      AE_GATEWAY_URL: 'http://127.0.0.1:9',
    };
    expect(summarizeSettings(readLocalSettings(gateways, CWD))).toContainEqual(
      expect.stringMatching(
        /^ {2}TOP_SIM_PORT +\(unused: TOP_GATEWAY_URL and AE_GATEWAY_URL are set\) {2}\(default\)$/,
      ),
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
