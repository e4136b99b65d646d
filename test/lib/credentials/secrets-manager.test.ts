import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretFormatError, SecretUnavailableError } from '#lib/credentials/errors.ts';
import { secretsManagerSource } from '#lib/credentials/secrets-manager.ts';
import { mockSecretsManager } from '#test/helpers/secrets-manager.ts';

const ID = 'top-webhooks/wms-webhook-secret';
const sm = mockSecretsManager();

afterEach(() => {
  vi.useRealTimers();
});

describe('secretsManagerSource', () => {
  it('serves a secret from its cache within the max age: one GetSecretValue for several gets', async () => {
    sm.put(ID, 'first');
    const source = sm.source({ maxAgeSeconds: 300 });

    const values = [await source.get(ID), await source.get(ID), await source.get(ID)];

    expect(values).toEqual(['first', 'first', 'first']);
    expect(sm.mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('asks Secrets Manager again once the max age has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 23) });
    sm.put(ID, 'first');
    const source = sm.source({ maxAgeSeconds: 60 });
    await source.get(ID);
    sm.put(ID, 'second');

    vi.advanceTimersByTime(60_000);
    expect(await source.get(ID)).toBe('first');
    vi.advanceTimersByTime(1);
    expect(await source.get(ID)).toBe('second');
    expect(sm.calls(ID)).toBe(2);
  });

  it('bypasses the cache when forced, and caches the fresh value', async () => {
    sm.put(ID, 'first');
    const source = sm.source();
    await source.get(ID);
    sm.put(ID, 'second');

    expect(await source.get(ID, { forceFetch: true })).toBe('second');
    expect(await source.get(ID)).toBe('second');
    expect(sm.calls(ID)).toBe(2);
  });

  it('keeps a cache per source, so nothing leaks from one to another', async () => {
    sm.put(ID, 'first');
    await sm.source().get(ID);
    await sm.source().get(ID);

    expect(sm.calls(ID)).toBe(2);
  });

  it('caches nothing when the max age is 0', async () => {
    sm.put(ID, 'first');
    const source = sm.source({ maxAgeSeconds: 0 });
    await source.get(ID);
    await source.get(ID);

    expect(sm.calls(ID)).toBe(2);
  });

  it('wraps a Secrets Manager failure in SecretUnavailableError, the SDK error as its cause', async () => {
    const notFound = new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    sm.mock.on(GetSecretValueCommand, { SecretId: ID }).rejects(notFound);

    const error = await sm
      .source()
      .get(ID)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({ name: 'SecretUnavailableError', secretId: ID, cause: notFound });
  });

  it('asks again after a failure: failures are not cached', async () => {
    sm.mock.on(GetSecretValueCommand, { SecretId: ID }).rejectsOnce(new Error('throttled')).resolves({
      SecretString: 'first',
    });
    const source = sm.source();

    await expect(source.get(ID)).rejects.toBeInstanceOf(SecretUnavailableError);
    expect(await source.get(ID)).toBe('first');
  });

  it.each([
    ['binary', { SecretBinary: new Uint8Array([1, 2, 3]) }],
    ['empty', { SecretString: '' }],
  ])('refuses a secret that is %s with SecretFormatError', async (_case, output) => {
    sm.mock.on(GetSecretValueCommand, { SecretId: ID }).resolves(output);

    const error = await sm
      .source()
      .get(ID)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretFormatError);
    expect((error as Error).message).toContain('SecretString');
  });

  it('rejects unknown and impossible options', () => {
    expect(() => secretsManagerSource({ maxAge: 5 } as never)).toThrow(
      /Unknown secretsManagerSource option\(s\): maxAge/,
    );
    expect(() => secretsManagerSource({ maxAgeSeconds: -1 })).toThrow(RangeError);
  });
});
