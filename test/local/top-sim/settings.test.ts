import { describe, expect, it } from 'vitest';
import { applySimFlags, readSimSettings, SIM_DEFAULTS } from '#local/top-sim/settings.ts';

describe('readSimSettings', () => {
  it('falls back to the printed defaults for an empty environment', () => {
    expect(readSimSettings({})).toEqual({
      port: SIM_DEFAULTS.port,
      appKey: SIM_DEFAULTS.appKey,
      appSecret: SIM_DEFAULTS.appSecret,
      sessions: [SIM_DEFAULTS.session],
      faults: [],
      statusStepMs: 60_000,
      seed: 1,
      accessTtlMs: 30 * 86_400_000,
      refreshTtlMs: 60 * 86_400_000,
    });
    expect(readSimSettings({})).not.toHaveProperty('idleDropMs');
  });

  it('reads every variable it knows', () => {
    const settings = readSimSettings({
      TOP_SIM_PORT: '0',
      TOP_APP_KEY: 'key',
      TOP_APP_SECRET: 'secret',
      TOP_SESSION: 'only-seller',
      TOP_SIM_STATUS_STEP_SECONDS: '2.5',
      TOP_SIM_SEED: '42',
      TOP_SIM_ACCESS_TTL_SECONDS: '40',
      TOP_SIM_REFRESH_TTL_SECONDS: '90.5',
      TOP_SIM_IDLE_DROP_SECONDS: '300',
    });

    expect(settings).toMatchObject({
      port: 0,
      appKey: 'key',
      appSecret: 'secret',
      sessions: ['only-seller'],
      statusStepMs: 2500,
      seed: 42,
      accessTtlMs: 40_000,
      refreshTtlMs: 90_500,
      idleDropMs: 300_000,
    });
  });

  it('reads TOP_SESSION with commas as one session per seller, trimmed, blanks dropped', () => {
    expect(readSimSettings({ TOP_SESSION: 'seller-a, seller-b,,seller-c ' }).sessions).toEqual([
      'seller-a',
      'seller-b',
      'seller-c',
    ]);
  });

  it('parses TOP_SIM_FAULTS as a JSON list of faults', () => {
    const faults = [
      { type: 'isp', count: 2 },
      { type: 'rate_limit', qps: 5, ban_seconds: 3, methods: ['aliexpress.solution.order.fulfill'] },
    ];

    expect(readSimSettings({ TOP_SIM_FAULTS: JSON.stringify(faults) }).faults).toEqual(faults);
  });

  it.each([
    { name: 'TOP_SIM_PORT', value: 'http' },
    { name: 'TOP_SIM_PORT', value: '70000' },
    { name: 'TOP_SIM_PORT', value: '-1' },
    { name: 'TOP_SIM_PORT', value: '41.5' },
    { name: 'TOP_SIM_STATUS_STEP_SECONDS', value: '0' },
    { name: 'TOP_SIM_SEED', value: 'random' },
    { name: 'TOP_SIM_ACCESS_TTL_SECONDS', value: '0' },
    { name: 'TOP_SIM_REFRESH_TTL_SECONDS', value: 'forever' },
    { name: 'TOP_SIM_IDLE_DROP_SECONDS', value: '-1' },
    { name: 'TOP_SIM_FAULTS', value: 'isp' },
    { name: 'TOP_SIM_FAULTS', value: '{"type":"isp"}' },
    { name: 'TOP_SIM_FAULTS', value: '[{"type":"meteor"}]' },
    { name: 'TOP_SIM_FAULTS', value: '[{"type":"isp","rate":2}]' },
  ])('throws naming $name when it is $value', ({ name, value }) => {
    expect(() => readSimSettings({ [name]: value })).toThrow(name);
  });

  it('names the variable when a credential is set but empty', () => {
    expect(() => readSimSettings({ TOP_APP_SECRET: '' })).toThrow('TOP_APP_SECRET');
  });
});

describe('applySimFlags (npm run top-sim -- --access-ttl <s> --refresh-ttl <s>)', () => {
  const env = readSimSettings({ TOP_SIM_ACCESS_TTL_SECONDS: '100', TOP_SIM_REFRESH_TTL_SECONDS: '200' });

  it('sets the token lifetimes in seconds over the environment’s', () => {
    expect(applySimFlags(env, ['--access-ttl', '40', '--refresh-ttl=120'])).toEqual({
      ...env,
      accessTtlMs: 40_000,
      refreshTtlMs: 120_000,
    });
  });

  it('keeps the environment’s lifetimes without flags, and each one not given', () => {
    expect(applySimFlags(env, [])).toEqual(env);
    expect(applySimFlags(env, ['--access-ttl', '1.5'])).toMatchObject({
      accessTtlMs: 1500,
      refreshTtlMs: 200_000,
    });
  });

  it.each([
    { argv: ['--access-ttl', '0'], names: '--access-ttl' },
    { argv: ['--refresh-ttl', 'long'], names: '--refresh-ttl' },
    { argv: ['--access-ttl'], names: '--access-ttl' },
    { argv: ['--ttl', '40'], names: '--ttl' },
    { argv: ['40'], names: '40' },
  ])('throws naming $names for $argv', ({ argv, names }) => {
    expect(() => applySimFlags(env, argv)).toThrow(names);
  });
});
