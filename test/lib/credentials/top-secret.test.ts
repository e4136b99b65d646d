import { describe, expect, it } from 'vitest';
import { SecretFormatError } from '#lib/credentials/errors.ts';
import { parseTopCredentialsSecret } from '#lib/credentials/top-secret.ts';

const ID = 'top-webhooks/top-credentials';
const APP_SECRET = 'app-secret-0c7e2b1f';

const problemsOf = (value: unknown): readonly string[] => {
  try {
    parseTopCredentialsSecret(ID, typeof value === 'string' ? value : JSON.stringify(value));
  } catch (error) {
    if (error instanceof SecretFormatError) return error.problems;
    throw error;
  }
  throw new Error('expected a SecretFormatError');
};

describe('parseTopCredentialsSecret', () => {
  it('reads the app keys and gives each seller the app keys plus its session', () => {
    const secret = parseTopCredentialsSecret(
      ID,
      JSON.stringify({
        app_key: '12345678',
        app_secret: APP_SECRET,
        sign_method: 'md5',
        sellers: { 'shop-1': 'session-1', 'shop-2': 'session-2' },
      }),
    );

    expect(secret.app).toEqual({ appKey: '12345678', appSecret: APP_SECRET, signMethod: 'md5' });
    expect(secret.app.session).toBeUndefined();
    expect([...secret.sellers.keys()]).toEqual(['shop-1', 'shop-2']);
    expect(secret.sellers.get('shop-2')).toEqual({
      appKey: '12345678',
      appSecret: APP_SECRET,
      signMethod: 'md5',
      session: 'session-2',
    });
  });

  it('reads a second app pair for AliExpress, and names a pair given by half', () => {
    const secret = parseTopCredentialsSecret(
      ID,
      JSON.stringify({
        app_key: '1',
        app_secret: 's',
        ae_app_key: '2',
        ae_app_secret: 't',
        sellers: { a: 'x' },
      }),
    );
    expect(secret.aeApp).toEqual({ appKey: '2', appSecret: 't', signMethod: undefined });
    expect(secret.aeSellers.get('a')).toMatchObject({ appKey: '2', session: 'x' });
    expect(problemsOf({ app_key: '1', app_secret: 's', ae_app_key: '2' })).toEqual([
      'ae_app_key goes with ae_app_secret: give both or neither',
    ]);
  });

  it('lets the one app pair serve AliExpress when no second one is given', () => {
    const secret = parseTopCredentialsSecret(ID, JSON.stringify({ app_key: '1', app_secret: 's' }));
    expect(secret.aeApp).toBe(secret.app);
  });

  it.each([
    ['empty', {}],
    ['absent', undefined],
  ])('allows the sellers to be %s (the WMS flow needs no session)', (_case, sellers) => {
    const secret = parseTopCredentialsSecret(ID, JSON.stringify({ app_key: '1', app_secret: 's', sellers }));

    expect(secret.sellers.size).toBe(0);
    expect(secret.app.signMethod).toBeUndefined();
  });

  it('trims the whitespace a paste leaves around a value', () => {
    const secret = parseTopCredentialsSecret(ID, JSON.stringify({ app_key: ' 1\n', app_secret: 's\n' }));

    expect(secret.app).toMatchObject({ appKey: '1', appSecret: 's' });
  });

  it.each([
    ['text that is not JSON', `{"app_key":"1","app_secret":"${APP_SECRET}"`, ['(root) is not valid JSON']],
    ['a JSON array', [], ['(root) must be a JSON object']],
    ['no app_key', { app_secret: APP_SECRET }, ['app_key is required']],
    ['a numeric app_key', { app_key: 12345678, app_secret: APP_SECRET }, ['app_key must be a string']],
    ['a blank app_secret', { app_key: '1', app_secret: '  ' }, ['app_secret must not be empty']],
    [
      'an unknown sign_method',
      { app_key: '1', app_secret: APP_SECRET, sign_method: 'sha1' },
      ['sign_method must be one of md5, hmac, hmac-sha256'],
    ],
    [
      'sellers that are not an object',
      { app_key: '1', app_secret: APP_SECRET, sellers: ['session'] },
      ['sellers must be an object of seller id → session key'],
    ],
    [
      'a seller with an empty session',
      { app_key: '1', app_secret: APP_SECRET, sellers: { 'shop-1': 'ok', 'shop-2': '' } },
      ['sellers.shop-2 must not be empty'],
    ],
    [
      'a seller with an empty id',
      { app_key: '1', app_secret: APP_SECRET, sellers: { ' ': 'session' } },
      ['sellers has an empty seller id'],
    ],
    [
      'a seller whose session is not a string',
      { app_key: '1', app_secret: APP_SECRET, sellers: { 'shop-1': 42 } },
      ['sellers.shop-1 must be a string'],
    ],
    [
      'every problem at once',
      { sign_method: 'x' },
      ['app_key is required', 'app_secret is required', expect.stringMatching(/^sign_method /)],
    ],
  ])('names the field paths of %s', (_case, value, problems) => {
    expect(problemsOf(value)).toEqual(problems);
  });

  it('names the secret and never shows a value', () => {
    const values = [
      `{"app_key":"1","app_secret":"${APP_SECRET}",`,
      { app_key: APP_SECRET, app_secret: 42, sign_method: APP_SECRET, sellers: { 'shop-1': [APP_SECRET] } },
    ];
    for (const value of values) {
      const error = (() => {
        try {
          parseTopCredentialsSecret(ID, typeof value === 'string' ? value : JSON.stringify(value));
        } catch (caught) {
          return caught as SecretFormatError;
        }
      })();

      expect(error?.name).toBe('SecretFormatError');
      expect(error?.message).toContain(ID);
      expect(
        JSON.stringify({ message: error?.message, problems: error?.problems, cause: String(error?.cause) }),
      ).not.toContain(APP_SECRET);
    }
  });
});
