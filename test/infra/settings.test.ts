import { describe, expect, it } from 'vitest';
import { readStackSettings, StackSettingsError } from '#infra/settings.ts';

const from = (context: Record<string, unknown>) => readStackSettings((key) => context[key]);

describe('readStackSettings', () => {
  it('gives a dev stage with created secrets, one-minute schedules and no alarm e-mail when told nothing', () => {
    const settings = from({});
    expect(settings).toMatchObject({
      stage: 'dev',
      topGatewayUrl: 'https://eco.taobao.com/router/rest',
      aeGatewayUrl: 'https://api-sg.aliexpress.com',
      aeProtocol: 'iop',
      egressIp: false,
      secrets: {
        topCredentials: { kind: 'create' },
        wmsWebhook: { kind: 'create' },
        storefrontWebhook: { kind: 'create' },
      },
      schedules: { sweepMinutes: 1, dispatchMinutes: 1, renewMinutes: 1 },
      publicUrl: undefined,
      refresh: { workers: 2, callsPerSecond: 20 },
      alarmEmail: undefined,
      logRetentionDays: 90,
    });
  });

  it('reads `-c key=value` text as numbers, and a secret as a name or, when it starts with arn:, an ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:wms-AbCdEf';
    const settings = from({
      stage: 'prod',
      topGatewayUrl: 'https://api.taobao.com/router/rest',
      topCredentialsSecret: 'shared/top-credentials',
      wmsWebhookSecret: arn,
      sweepMinutes: '5',
      dispatchMinutes: '2',
      renewMinutes: '3',
      refreshWorkers: '4',
      refreshCallsPerSecond: '10',
      alarmEmail: 'ops@example.com',
      logRetentionDays: '30',
    });
    expect(settings.secrets).toEqual({
      topCredentials: { kind: 'name', name: 'shared/top-credentials' },
      wmsWebhook: { kind: 'arn', arn },
      storefrontWebhook: { kind: 'create' },
    });
    expect(settings.schedules).toEqual({ sweepMinutes: 5, dispatchMinutes: 2, renewMinutes: 3 });
    expect(settings.refresh).toEqual({ workers: 4, callsPerSecond: 10 });
    expect(settings.alarmEmail).toBe('ops@example.com');
    expect(settings.logRetentionDays).toBe(30);
  });

  it('paces the refresh workers at their share of 95% of the platform limit when given one', () => {
    expect(from({ topCallsPerSecond: '200' }).refresh).toEqual({ workers: 2, callsPerSecond: 95 });
    expect(from({ topCallsPerSecond: 200, refreshWorkers: 4 }).refresh).toEqual({
      workers: 4,
      callsPerSecond: 47,
    });
    expect(
      from({ topCallsPerSecond: '200', refreshWorkers: '2', refreshCallsPerSecond: '90' }).refresh,
    ).toEqual({ workers: 2, callsPerSecond: 90 });
  });

  it('refuses a refresh pace whose budget is over 95% of the platform limit, naming both', () => {
    const over = () => from({ topCallsPerSecond: '200', refreshWorkers: '2', refreshCallsPerSecond: '100' });
    expect(over).toThrow(StackSettingsError);
    expect(over).toThrow(
      'refreshCallsPerSecond × refreshWorkers (100 × 2 = 200) must be at most 95% of topCallsPerSecond (190 of 200)',
    );
    expect(() => from({ topCallsPerSecond: '1', refreshWorkers: '2' })).toThrow(
      'topCallsPerSecond 1 leaves the 2 refresh workers less than one call a second each',
    );
  });

  it('takes the AliExpress host with or without its trailing slash, and the TOP protocol for aliexpress.* calls', () => {
    expect(from({ aeGatewayUrl: 'https://api.aliexpress.example/', aeProtocol: 'top' })).toMatchObject({
      aeGatewayUrl: 'https://api.aliexpress.example',
      aeProtocol: 'top',
    });
  });

  it.each([
    ['a path', 'https://api-sg.aliexpress.com/sync'],
    ['a query', 'https://api-sg.aliexpress.com/?app_key=1'],
    ['a fragment', 'https://api-sg.aliexpress.com/#top'],
  ])('refuses an AliExpress host with %s: the client appends the paths', (_, aeGatewayUrl) => {
    expect(() => from({ aeGatewayUrl })).toThrow(/aeGatewayUrl must be scheme and host only/);
  });

  it.each([
    ['https://sellers.example.com', 'https://sellers.example.com'],
    ['https://example.com/top-webhooks', 'https://example.com/top-webhooks'],
    ['https://Example.com:443/top/webhooks', 'https://example.com/top/webhooks'],
  ])('takes the public URL %s (an origin, with a base path or none) as %s', (publicUrl, expected) => {
    expect(from({ publicUrl }).publicUrl).toBe(expected);
  });

  it.each([
    ['plain http', 'http://sellers.example.com', /publicUrl must be an https URL/],
    ['no URL at all', 'sellers.example.com', /publicUrl must be an https URL/],
    [
      'a query',
      'https://sellers.example.com?stage=prod',
      /publicUrl must be an origin with an optional base path/,
    ],
    [
      'a fragment',
      'https://sellers.example.com/top#x',
      /publicUrl must be an origin with an optional base path/,
    ],
    [
      'a user',
      'https://ops:secret@sellers.example.com',
      /publicUrl must be an origin with an optional base path/,
    ],
    ['a trailing slash', 'https://sellers.example.com/', /publicUrl must not end with \//],
    [
      'a base path with a trailing slash',
      'https://example.com/top-webhooks/',
      /publicUrl must not end with \//,
    ],
  ])('refuses a public URL with %s', (_, publicUrl, problem) => {
    expect(() => from({ publicUrl })).toThrow(problem);
  });

  it.each([
    ['0', /renewMinutes must be positive/],
    ['-5', /renewMinutes must be positive/],
    ['1.5', /renewMinutes must be a whole number/],
  ])('refuses renewMinutes %s', (renewMinutes, problem) => {
    expect(() => from({ renewMinutes })).toThrow(problem);
  });

  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
  ])('reads egressIp %j (cdk.json or -c) as %j', (egressIp, expected) => {
    expect(from({ egressIp }).egressIp).toBe(expected);
  });

  it('refuses an egressIp other than true or false, and a protocol other than iop or top', () => {
    expect(() => from({ egressIp: 'yes' })).toThrow(/egressIp must be true or false/);
    expect(() => from({ egressIp: 1 })).toThrow(/egressIp must be true or false/);
    expect(() => from({ aeProtocol: 'IOP' })).toThrow(/aeProtocol must be 'iop' or 'top'/);
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      from({
        stage: 'Prod_1',
        topGatewayUrl: 'http://eco.taobao.com/router/rest',
        aeGatewayUrl: 'http://api-sg.aliexpress.com',
        aeProtocol: 'rest',
        egressIp: 'on',
        sweepMinutes: '0',
        renewMinutes: 'hourly',
        publicUrl: 'https://sellers.example.com/',
        refreshWorkers: '1',
        alarmEmail: 'ops',
        logRetentionDays: '45',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackSettingsError);
    const problems = (error as StackSettingsError).problems.join('\n');
    for (const key of [
      'stage',
      'topGatewayUrl',
      'aeGatewayUrl',
      'aeProtocol',
      'egressIp',
      'sweepMinutes',
      'renewMinutes',
      'publicUrl',
      'refreshWorkers',
      'alarmEmail',
      'logRetentionDays',
    ]) {
      expect(problems).toContain(key);
    }
  });

  it('treats an empty value as not given', () => {
    expect(from({ alarmEmail: '', topCredentialsSecret: '', publicUrl: '' })).toMatchObject({
      alarmEmail: undefined,
      publicUrl: undefined,
      secrets: { topCredentials: { kind: 'create' } },
    });
  });
});
