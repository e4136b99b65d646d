import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  SecretFormatError,
  SecretUnavailableError,
  SellerRequiredError,
  UnknownSellerError,
} from '#lib/credentials/errors.ts';
import { TopCredentialsProvider } from '#lib/credentials/top-credentials.ts';
import { SellerSessionCache } from '#lib/sellers/seller-session-cache.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { mockSecretsManager } from '#test/helpers/secrets-manager.ts';

const ID = 'top-webhooks/top-credentials';
const sm = mockSecretsManager();

const secretWith = (sellers: Record<string, string>) =>
  JSON.stringify({ app_key: '12345678', app_secret: 'app-secret', sign_method: 'hmac-sha256', sellers });

/** A provider over a fresh Secrets Manager source and a clock the test moves. */
function setUp(sellers: Record<string, string>) {
  sm.put(ID, secretWith(sellers));
  const clock = { now: Date.UTC(2026, 10, 23) };
  const provider = new TopCredentialsProvider({ source: sm.source(), secretId: ID, now: () => clock.now });
  return { provider, clock };
}

describe('TopCredentialsProvider', () => {
  describe('forSeller', () => {
    it('gives the named seller the app keys and its session', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1', 'shop-2': 'session-2' });

      expect(await provider.forSeller('shop-2')).toEqual({
        sellerId: 'shop-2',
        credentials: {
          appKey: '12345678',
          appSecret: 'app-secret',
          signMethod: 'hmac-sha256',
          session: 'session-2',
        },
      });
    });

    it('gives AliExpress calls its own app keys when the secret has them, with the same session', async () => {
      sm.put(
        ID,
        JSON.stringify({
          app_key: '12345678',
          app_secret: 'app-secret',
          ae_app_key: '87654321',
          ae_app_secret: 'ae-app-secret',
          sellers: { 'shop-1': 'session-1' },
        }),
      );
      const provider = new TopCredentialsProvider({ source: sm.source(), secretId: ID });

      expect((await provider.forSeller('shop-1', 'aliexpress')).credentials).toMatchObject({
        appKey: '87654321',
        appSecret: 'ae-app-secret',
        session: 'session-1',
      });
      expect((await provider.forSeller('shop-1', 'tmall')).credentials).toMatchObject({
        appKey: '12345678',
        session: 'session-1',
      });
      expect(await provider.app('aliexpress')).toMatchObject({ appKey: '87654321' });
    });

    it('gives AliExpress calls the one app pair when the secret has no second one', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });

      expect(await provider.forSeller('shop-1', 'aliexpress')).toEqual(await provider.forSeller('shop-1'));
    });

    it('picks the only seller configured when none is named', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });

      expect(await provider.forSeller(undefined)).toMatchObject({
        sellerId: 'shop-1',
        credentials: { session: 'session-1' },
      });
    });

    it('asks for a seller id when several are configured, without refetching', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1', 'shop-2': 'session-2' });

      const error = await provider.forSeller(undefined).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SellerRequiredError);
      expect(error).toMatchObject({ configuredSellers: 2 });
      expect(sm.calls(ID)).toBe(1);
    });

    it('serves every call from one GetSecretValue within the max age', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });

      await provider.forSeller('shop-1');
      await provider.forSeller(undefined);
      await provider.app();

      expect(sm.mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('refetches once for an unknown seller and finds a seller just added', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });
      await provider.forSeller('shop-1');
      sm.put(ID, secretWith({ 'shop-1': 'session-1', 'shop-3': 'session-3' }));

      expect(await provider.forSeller('shop-3')).toMatchObject({ credentials: { session: 'session-3' } });
      expect(sm.calls(ID)).toBe(2);
    });

    it('fails with UnknownSellerError, carrying the id, after one refetch', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });

      const error = await provider.forSeller('shop-9').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UnknownSellerError);
      expect(error).toMatchObject({ name: 'UnknownSellerError', sellerId: 'shop-9' });
      expect(sm.calls(ID)).toBe(2);
    });

    it('lets a flood of unknown sellers force at most one refetch per interval', async () => {
      const { provider, clock } = setUp({ 'shop-1': 'session-1' });

      for (let i = 0; i < 50; i++) {
        await expect(provider.forSeller(`forged-${i}`)).rejects.toBeInstanceOf(UnknownSellerError);
      }
      expect(sm.calls(ID)).toBe(2);

      clock.now += 30_000;
      await expect(provider.forSeller('forged-50')).rejects.toBeInstanceOf(UnknownSellerError);
      expect(sm.calls(ID)).toBe(3);
    });

    it('says no seller is configured when none is named and the secret has none', async () => {
      const { provider } = setUp({});

      const error = await provider.forSeller(undefined).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UnknownSellerError);
      expect(error).toMatchObject({ sellerId: undefined, message: 'no seller is configured' });
    });
  });

  describe('app', () => {
    it('gives the app keys without a session', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });

      expect(await provider.app()).toEqual({
        appKey: '12345678',
        appSecret: 'app-secret',
        signMethod: 'hmac-sha256',
      });
    });
  });

  describe('refresh', () => {
    it('picks up a rotated session and says the credentials changed', async () => {
      const { provider } = setUp({ 'shop-1': 'old-session' });
      const before = await provider.forSeller('shop-1');
      sm.put(ID, secretWith({ 'shop-1': 'new-session' }));

      expect((await provider.forSeller('shop-1')).credentials.session).toBe('old-session');
      expect(await provider.refresh()).toBe(true);
      const after = await provider.forSeller('shop-1');

      expect(after.credentials.session).toBe('new-session');
      expect(after.credentials).not.toBe(before.credentials);
    });

    it('says nothing changed, and keeps the same credentials objects, when the secret is unchanged', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });
      const before = await provider.forSeller('shop-1');

      expect(await provider.refresh()).toBe(false);
      expect((await provider.forSeller('shop-1')).credentials).toBe(before.credentials);
      expect(sm.calls(ID)).toBe(2);
    });

    it('refetches at most once per interval', async () => {
      const { provider, clock } = setUp({ 'shop-1': 'session-1' });
      await provider.forSeller('shop-1');
      await provider.refresh();
      sm.put(ID, secretWith({ 'shop-1': 'session-2' }));

      expect(await provider.refresh()).toBe(false);
      expect(sm.calls(ID)).toBe(2);
      clock.now += 30_000;
      expect(await provider.refresh()).toBe(true);
      expect(sm.calls(ID)).toBe(3);
    });

    it('does not spend the unknown-seller allowance', async () => {
      const { provider } = setUp({ 'shop-1': 'session-1' });
      await provider.refresh();
      sm.put(ID, secretWith({ 'shop-1': 'session-1', 'shop-2': 'session-2' }));

      expect((await provider.forSeller('shop-2')).sellerId).toBe('shop-2');
    });
  });

  describe('sellers who authorized the app', () => {
    const PREFIX = 'top-webhooks/sellers/';
    const DAY = 86_400_000;

    /**
     * A provider that also knows the sellers' sessions through the real cache and vault, over the
     * mocked Secrets Manager: a seller's secret exists once `authorized`, any other is not found.
     */
    function setUpWithSellers() {
      sm.mock.on(GetSecretValueCommand).rejects(
        new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret.",
          $metadata: {},
        }),
      );
      sm.put(
        ID,
        JSON.stringify({
          app_key: '12345678',
          app_secret: 'app-secret',
          ae_app_key: '87654321',
          ae_app_secret: 'ae-app-secret',
          sign_method: 'hmac-sha256',
          sellers: { 'shop-1': 'hand-kept-session' },
        }),
      );
      const clock = { now: Date.UTC(2026, 10, 23) };
      const sellers = new SellerSessionCache({
        vault: new SellerTokenVault({
          client: new SecretsManagerClient({ region: 'us-east-1' }),
          prefix: PREFIX,
        }),
        maxAgeMs: 300_000,
        now: () => clock.now,
      });
      const provider = new TopCredentialsProvider({
        source: sm.source(),
        secretId: ID,
        now: () => clock.now,
        sellers,
      });
      const authorized = (sellerId: string, accessToken: string) =>
        sm.put(
          `${PREFIX}${sellerId}`,
          JSON.stringify({
            access_token: accessToken,
            refresh_token: `refresh-of-${accessToken}`,
            platform_seller_id: '2000001',
            generation: 1,
            authorized_at: clock.now,
            tokens_issued_at: clock.now,
            access_token_expires_at: clock.now + 30 * DAY,
            refresh_token_expires_at: clock.now + 60 * DAY,
          }),
        );
      return { provider, clock, authorized };
    }

    it('gives an AliExpress seller not kept by hand the AliExpress app keys with the session they authorized', async () => {
      const { provider, authorized } = setUpWithSellers();
      authorized('shop-7', 'ae-access-1');

      expect(await provider.forSeller('shop-7', 'aliexpress')).toEqual({
        sellerId: 'shop-7',
        credentials: {
          appKey: '87654321',
          appSecret: 'ae-app-secret',
          signMethod: 'hmac-sha256',
          session: 'ae-access-1',
        },
      });
      // Found among the sessions: the credentials secret is not fetched again for it.
      expect(sm.calls(ID)).toBe(1);
    });

    it("keeps a hand-kept seller's session over one they authorized, without reading theirs", async () => {
      const { provider, authorized } = setUpWithSellers();
      authorized('shop-1', 'ae-access-1');

      expect((await provider.forSeller('shop-1', 'aliexpress')).credentials.session).toBe(
        'hand-kept-session',
      );
      expect(sm.calls(`${PREFIX}shop-1`)).toBe(0);
    });

    it('never consults the sessions for Tmall', async () => {
      const { provider, authorized } = setUpWithSellers();
      authorized('shop-7', 'ae-access-1');

      await expect(provider.forSeller('shop-7', 'tmall')).rejects.toBeInstanceOf(UnknownSellerError);
      expect(sm.calls(`${PREFIX}shop-7`)).toBe(0);
    });

    it('fails with UnknownSellerError for a seller neither kept by hand nor authorized', async () => {
      const { provider } = setUpWithSellers();

      const error = await provider.forSeller('shop-9', 'aliexpress').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UnknownSellerError);
      expect(error).toMatchObject({ sellerId: 'shop-9' });
      expect(sm.calls(`${PREFIX}shop-9`)).toBe(1);
      expect(sm.calls(ID)).toBe(2);
    });

    it("reports a seller's renewed token on refresh(sellerId), and serves it after", async () => {
      const { provider, clock, authorized } = setUpWithSellers();
      authorized('shop-7', 'ae-access-1');
      await provider.forSeller('shop-7', 'aliexpress');

      authorized('shop-7', 'ae-access-2');
      clock.now += 1_000;
      expect(await provider.refresh('shop-7')).toBe(true);
      expect((await provider.forSeller('shop-7', 'aliexpress')).credentials.session).toBe('ae-access-2');
      expect(await provider.refresh('shop-7')).toBe(false);
    });

    it("says nothing changed on refresh(sellerId) when neither the secret nor the seller's token did", async () => {
      const { provider, clock, authorized } = setUpWithSellers();
      authorized('shop-7', 'ae-access-1');
      await provider.forSeller('shop-7', 'aliexpress');

      clock.now += 1_000;
      expect(await provider.refresh('shop-7')).toBe(false);
      expect(sm.calls(`${PREFIX}shop-7`)).toBe(2);
    });

    it("reads no seller's tokens on refresh() without a seller", async () => {
      const { provider, clock, authorized } = setUpWithSellers();
      authorized('shop-7', 'ae-access-1');
      await provider.forSeller('shop-7', 'aliexpress');

      clock.now += 1_000;
      await provider.refresh();
      expect(sm.calls(`${PREFIX}shop-7`)).toBe(1);
    });
  });

  describe('failures', () => {
    it('passes on SecretUnavailableError, with the SDK error as cause, when Secrets Manager fails', async () => {
      const outage = new Error('connect ETIMEDOUT');
      sm.mock.on(GetSecretValueCommand, { SecretId: ID }).rejects(outage);
      const provider = new TopCredentialsProvider({ source: sm.source(), secretId: ID });

      const error = await provider.app().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SecretUnavailableError);
      expect(error).toMatchObject({ secretId: ID, cause: outage });
    });

    it.each([
      ['bad JSON', '{"app_key":"12345678","app_secret":"s3cr3t-value"', '(root) is not valid JSON'],
      ['a missing app_key', '{"app_secret":"s3cr3t-value"}', 'app_key is required'],
    ])('refuses %s with SecretFormatError naming the path, not the values', async (_case, value, problem) => {
      sm.put(ID, value);
      const provider = new TopCredentialsProvider({ source: sm.source(), secretId: ID });

      const error = await provider.forSeller('shop-1').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SecretFormatError);
      expect(error).toMatchObject({ secretId: ID, problems: [problem] });
      expect((error as Error).message).not.toContain('s3cr3t');
    });

    it('rejects unknown options', () => {
      const options = { source: sm.source(), secretId: ID, refetchSeconds: 5 };

      expect(() => new TopCredentialsProvider(options as never)).toThrow(/refetchSeconds/);
    });
  });
});
