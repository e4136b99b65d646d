import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretFormatError } from '#lib/credentials/errors.ts';
import type { SellerTokens } from '#lib/sellers/seller.ts';
import { SellerSessionCache } from '#lib/sellers/seller-session-cache.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { type LocalAwsServices, startLocalAwsServices } from '#local/aws-services.ts';
import { openLocalSecretStore } from '#local/secrets-manager.ts';

// A container's reads of the sellers' secrets, counted on the wire of the client its vault is given;
// the renewal writes through a client of its own. The clock is moved by hand.
const PREFIX = 'top-webhooks/sellers/';
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const MAX_AGE_MS = 300_000;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let dir: string;
let services: LocalAwsServices;
let writerClient: SecretsManagerClient;
let readerClient: SecretsManagerClient;
let renewal: SellerTokenVault;
const gets: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seller-sessions-'));
  services = await startLocalAwsServices({
    queues: {},
    putEvents: async () => {},
    secrets: await openLocalSecretStore({ dir }),
  });
  const options = { endpoint: services.url, region: 'local', credentials, maxAttempts: 1 };
  writerClient = new SecretsManagerClient(options);
  readerClient = new SecretsManagerClient(options);
  readerClient.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'GetSecretValueCommand') {
        gets.push(String((args.input as { SecretId?: string }).SecretId));
      }
      return next(args);
    },
    { step: 'initialize', name: 'countReads' },
  );
  renewal = new SellerTokenVault({ client: writerClient, prefix: PREFIX });
});
afterAll(async () => {
  writerClient.destroy();
  readerClient.destroy();
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

let sellers = 0;

/** A seller of its own for each test, a container's cache of the sessions, and its clock. */
function container() {
  const sellerId = `seller-${++sellers}`;
  const clock = { now: T0 };
  const cache = new SellerSessionCache({
    vault: new SellerTokenVault({ client: readerClient, prefix: PREFIX }),
    maxAgeMs: MAX_AGE_MS,
    now: () => clock.now,
  });
  const reads = () => gets.filter((secretId) => secretId === `${PREFIX}${sellerId}`).length;
  return { sellerId, clock, cache, reads };
}

/** Tokens issued at `issuedAt` whose access token lives `lifetimeMs`. */
const tokens = (access: string, issuedAt: number, lifetimeMs: number): SellerTokens => ({
  access_token: access,
  refresh_token: `refresh-of-${access}`,
  platform_seller_id: '2000001',
  generation: 1,
  authorized_at: T0,
  tokens_issued_at: issuedAt,
  access_token_expires_at: issuedAt + lifetimeMs,
  refresh_token_expires_at: T0 + 60 * DAY,
});

describe('SellerSessionCache: what a container reads of the sellers’ secrets', () => {
  it('serves a session from one read until maxAgeMs has passed', async () => {
    const { sellerId, clock, cache, reads } = container();
    await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));

    expect(await cache.session(sellerId)).toBe('access-1');
    clock.now = T0 + MAX_AGE_MS - 1;
    expect(await cache.session(sellerId)).toBe('access-1');
    expect(reads()).toBe(1);
    clock.now = T0 + MAX_AGE_MS;
    expect(await cache.session(sellerId)).toBe('access-1');
    expect(reads()).toBe(2);
  });

  it("reads again at the token's half-life when that comes before maxAgeMs", async () => {
    const { sellerId, clock, cache, reads } = container();
    // An 8-minute token: its half-life (4 minutes) comes before the 5 minutes of maxAgeMs.
    await renewal.write(sellerId, tokens('access-1', T0, 480_000));

    await cache.session(sellerId);
    clock.now = T0 + 239_999;
    await cache.session(sellerId);
    expect(reads()).toBe(1);
    clock.now = T0 + 240_000;
    await cache.session(sellerId);
    expect(reads()).toBe(2);
  });

  it('past the half-life reads every hundredth of the lifetime, and picks the renewed token as soon as it is stored', async () => {
    const { sellerId, clock, cache, reads } = container();
    // A one-hour token: half-life at 30 minutes, read again every 36 s from then on.
    await renewal.write(sellerId, tokens('access-1', T0, 3_600_000));
    clock.now = T0 + 1_800_000;
    expect(await cache.session(sellerId)).toBe('access-1');

    clock.now += 35_999;
    expect(await cache.session(sellerId)).toBe('access-1');
    expect(reads()).toBe(1);
    clock.now += 1;
    expect(await cache.session(sellerId)).toBe('access-1');
    expect(reads()).toBe(2);

    await renewal.write(sellerId, tokens('access-2', clock.now, 3_600_000));
    clock.now += 36_000;
    expect(await cache.session(sellerId)).toBe('access-2');
    expect(reads()).toBe(3);
    // The renewed token is before its own half-life: trusted for maxAgeMs again.
    clock.now += MAX_AGE_MS - 1;
    expect(await cache.session(sellerId)).toBe('access-2');
    expect(reads()).toBe(3);
  });

  it('past the half-life reads at least a second apart, for short-lived tokens', async () => {
    const { sellerId, clock, cache, reads } = container();
    // A 40-second token: a hundredth of it (0.4 s) is raised to 1 s.
    await renewal.write(sellerId, tokens('access-1', T0, 40_000));
    clock.now = T0 + 20_000;
    await cache.session(sellerId);
    clock.now += 999;
    await cache.session(sellerId);
    expect(reads()).toBe(1);
    clock.now += 1;
    await cache.session(sellerId);
    expect(reads()).toBe(2);
  });

  it('past the half-life reads at most a minute apart, for long-lived tokens', async () => {
    const { sellerId, clock, cache, reads } = container();
    // A 30-day token: a hundredth of it (7.2 h) is lowered to 60 s.
    await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));
    clock.now = T0 + 15 * DAY;
    await cache.session(sellerId);
    clock.now += 59_999;
    await cache.session(sellerId);
    expect(reads()).toBe(1);
    clock.now += 1;
    await cache.session(sellerId);
    expect(reads()).toBe(2);
  });

  it('lets concurrent callers share one read', async () => {
    const { sellerId, cache, reads } = container();
    await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));

    expect(await Promise.all([1, 2, 3, 4].map(() => cache.session(sellerId)))).toEqual([
      'access-1',
      'access-1',
      'access-1',
      'access-1',
    ]);
    expect(reads()).toBe(1);
  });

  it('remembers an unknown seller as unknown for 5 s, then asks again', async () => {
    const { sellerId, clock, cache, reads } = container();
    expect(await cache.session(sellerId)).toBeUndefined();

    await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));
    clock.now = T0 + 4_999;
    expect(await cache.session(sellerId)).toBeUndefined();
    expect(reads()).toBe(1);
    clock.now = T0 + 5_000;
    expect(await cache.session(sellerId)).toBe('access-1');
    expect(reads()).toBe(2);
  });

  it('remembers nothing of a read that failed', async () => {
    const { sellerId, cache, reads } = container();
    await writerClient.send(new CreateSecretCommand({ Name: `${PREFIX}${sellerId}`, SecretString: '{' }));

    await expect(cache.session(sellerId)).rejects.toBeInstanceOf(SecretFormatError);
    await expect(cache.session(sellerId)).rejects.toBeInstanceOf(SecretFormatError);
    expect(reads()).toBe(2);
  });

  describe('refresh', () => {
    it('reads again and says whether the access token changed', async () => {
      const { sellerId, clock, cache, reads } = container();
      await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));
      await cache.session(sellerId);

      clock.now += 1_000;
      expect(await cache.refresh(sellerId)).toBe(false);
      expect(reads()).toBe(2);

      await renewal.write(sellerId, tokens('access-2', clock.now, 30 * DAY));
      clock.now += 1_000;
      expect(await cache.refresh(sellerId)).toBe(true);
      expect(reads()).toBe(3);
      expect(await cache.session(sellerId)).toBe('access-2');
      expect(reads()).toBe(3);
    });

    it('reads at most once a second', async () => {
      const { sellerId, clock, cache, reads } = container();
      await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));
      await cache.session(sellerId);
      await renewal.write(sellerId, tokens('access-2', T0, 30 * DAY));

      clock.now += 999;
      expect(await cache.refresh(sellerId)).toBe(false);
      expect(await cache.refresh(sellerId)).toBe(false);
      expect(reads()).toBe(1);
      clock.now += 1;
      expect(await cache.refresh(sellerId)).toBe(true);
      expect(await cache.refresh(sellerId)).toBe(false);
      expect(reads()).toBe(2);
    });

    it('finds a seller who authorized since it was last asked for', async () => {
      const { sellerId, clock, cache } = container();
      expect(await cache.session(sellerId)).toBeUndefined();
      await renewal.write(sellerId, tokens('access-1', T0, 30 * DAY));

      clock.now += 1_000;
      expect(await cache.refresh(sellerId)).toBe(true);
      expect(await cache.session(sellerId)).toBe('access-1');
    });

    it('says nothing changed for a seller who never authorized', async () => {
      const { sellerId, cache, reads } = container();
      expect(await cache.refresh(sellerId)).toBe(false);
      expect(reads()).toBe(1);
    });
  });
});
