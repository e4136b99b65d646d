import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, loadConfig } from '#lib/config/config.ts';
import { configProblemsOf, LOCAL_ENV } from '#test/helpers/config.ts';

const sellers = {
  ...LOCAL_ENV,
  SELLER_TOKENS_PREFIX: 'top-webhooks/sellers/',
  SELLERS_TABLE: 'sellers',
  PUBLIC_URL: 'https://webhooks.example.com',
};
const problemsOf = configProblemsOf;

describe('the sellers section', () => {
  it('requires nothing without the sellers need, and reads what is set', () => {
    expect(loadConfig(LOCAL_ENV).sellers).toEqual({
      tokensPrefix: undefined,
      tokensMaxAgeMs: 300_000,
      secretsManagerEndpoint: undefined,
      table: undefined,
      publicUrl: undefined,
    });
    expect(
      loadConfig({
        ...sellers,
        SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4566',
        SECRETS_MAX_AGE_SECONDS: '30',
      }).sellers,
    ).toEqual({
      tokensPrefix: 'top-webhooks/sellers/',
      tokensMaxAgeMs: 30_000,
      secretsManagerEndpoint: 'http://127.0.0.1:4566',
      table: 'sellers',
      publicUrl: 'https://webhooks.example.com',
    });
  });

  it("requires the tokens' prefix with the sellers need, and what each need names", () => {
    expect(problemsOf(() => loadConfig(LOCAL_ENV, { sellers: [] }))).toEqual([
      'SELLER_TOKENS_PREFIX is required',
    ]);
    expect(problemsOf(() => loadConfig(LOCAL_ENV, { sellers: ['table', 'publicUrl'] }))).toEqual([
      'SELLER_TOKENS_PREFIX is required',
      'SELLERS_TABLE is required',
      'PUBLIC_URL is required',
    ]);
    const { PUBLIC_URL: _, ...withoutUrl } = sellers;
    expect(problemsOf(() => loadConfig(withoutUrl, { sellers: ['publicUrl'] }))).toEqual([
      'PUBLIC_URL is required',
    ]);
    expect(loadConfig(withoutUrl, { sellers: ['table'] }).sellers.table).toBe('sellers');
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf(() => loadConfig({ ...sellers, SELLERS_TABLE: '' }, { sellers: ['table'] }))).toEqual([
      'SELLERS_TABLE is required',
    ]);
  });

  it('refuses a tokens prefix Secrets Manager would not take as a name', () => {
    expect(problemsOf(() => loadConfig({ ...sellers, SELLER_TOKENS_PREFIX: 'sellers tokens/' }))).toEqual([
      'SELLER_TOKENS_PREFIX must be a Secrets Manager name prefix (letters, digits, /_+=.@-)',
    ]);
    expect(problemsOf(() => loadConfig({ ...sellers, SELLER_TOKENS_PREFIX: 'x'.repeat(201) }))).toHaveLength(
      1,
    );
  });

  it('refuses a Secrets Manager endpoint that is not a URL', () => {
    expect(problemsOf(() => loadConfig({ ...sellers, SECRETS_MANAGER_ENDPOINT: 'localhost' }))).toEqual([
      'SECRETS_MANAGER_ENDPOINT must be a URL',
    ]);
  });

  describe('PUBLIC_URL', () => {
    it('drops trailing slashes, as the callback path is appended to it', () => {
      const publicUrlOf = (PUBLIC_URL: string) =>
        loadConfig({ ...sellers, PUBLIC_URL }, { sellers: ['publicUrl'] }).sellers.publicUrl;
      expect(publicUrlOf('https://webhooks.example.com/')).toBe('https://webhooks.example.com');
      expect(publicUrlOf('https://example.com/prod///')).toBe('https://example.com/prod');
      expect(publicUrlOf('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    });

    it('must be http(s)', () => {
      for (const PUBLIC_URL of ['ftp://webhooks.example.com', 'mailto:ops@example.com']) {
        expect(problemsOf(() => loadConfig({ ...sellers, PUBLIC_URL }))).toEqual([
          'PUBLIC_URL must be an http(s) URL',
        ]);
      }
    });

    it('must have no query or fragment', () => {
      for (const PUBLIC_URL of [
        'https://webhooks.example.com/?stage=prod',
        'https://webhooks.example.com/#x',
      ]) {
        expect(problemsOf(() => loadConfig({ ...sellers, PUBLIC_URL }))).toEqual([
          'PUBLIC_URL must have no query or fragment',
        ]);
      }
    });

    it('names a value that is no URL, as for any other key', () => {
      expect(problemsOf(() => loadConfig({ ...sellers, PUBLIC_URL: 'webhooks.example.com' }))).toEqual([
        'PUBLIC_URL must be a URL',
      ]);
    });

    // URL.search and URL.hash are '' for a bare mark: the text itself is checked.
    it('refuses an empty query or fragment mark, which would end up in the callback URL', () => {
      for (const PUBLIC_URL of ['https://webhooks.example.com/?', 'https://webhooks.example.com/#']) {
        const error = (() => {
          try {
            return loadConfig({ ...sellers, PUBLIC_URL }, { sellers: ['publicUrl'] }).sellers.publicUrl;
          } catch (caught) {
            return caught;
          }
        })();
        expect(error).toBeInstanceOf(ConfigError);
      }
    });
  });

  it('types what the needs require as present', () => {
    const full = loadConfig(sellers, { sellers: ['table', 'publicUrl'] });
    expectTypeOf(full.sellers.tokensPrefix).toEqualTypeOf<string>();
    expectTypeOf(full.sellers.table).toEqualTypeOf<string>();
    expectTypeOf(full.sellers.publicUrl).toEqualTypeOf<string>();
    const tableOnly = loadConfig(sellers, { sellers: ['table'] });
    expectTypeOf(tableOnly.sellers.publicUrl).toEqualTypeOf<string | undefined>();
    expectTypeOf(loadConfig(sellers).sellers.tokensPrefix).toEqualTypeOf<string | undefined>();
  });
});
