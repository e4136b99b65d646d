import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { oauthCallbackHandler } from '#lib/handlers/oauth-callback.ts';
import { AuthorizationStates, STATE_TTL_MS } from '#lib/sellers/authorization-states.ts';
import { authorizationLink } from '#lib/sellers/authorize.ts';
import { SellerRegistry } from '#lib/sellers/registry.ts';
import { statusAt } from '#lib/sellers/seller.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { type LocalAwsServices, startLocalAwsServices } from '#local/aws-services.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { openLocalSecretStore } from '#local/secrets-manager.ts';
import type { Fault } from '#local/top-sim/faults.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { startTestDynamo, type TestDynamo } from '#test/helpers/dynamo.ts';
import { appCredentials, clientFor, startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';
import { captureStdout, httpEvent, loudTelemetry } from '#test/helpers/webhook-harness.ts';

// The OAuth callback over real parts: dynalite (the sellers table), the TOP/IOP simulator (the code
// exchange), the local Secrets Manager behind the real SDK client (the seller's tokens).

const PUBLIC_URL = 'https://sellers.example.com';
const PREFIX = 'test/seller-tokens/';
const ROUTE = 'GET /oauth/callback';
const DAY = 86_400_000;

let dynamo: TestDynamo;
let sim: TopSimulator;
let aws: LocalAwsServices;
let secretsDir: string;
let secretsManager: SecretsManagerClient;
let states: AuthorizationStates;
let registry: SellerRegistry;
let vault: SellerTokenVault;
let telemetry: ReturnType<typeof loudTelemetry>;
// The clock of our parts (states, records, the callback); the simulator keeps real time.
const clock = { now: Date.now() };

beforeAll(async () => {
  secretsDir = await mkdtemp(join(tmpdir(), 'oauth-callback-secrets-'));
  [dynamo, sim, aws] = await Promise.all([
    startTestDynamo(),
    startTestSimulator(),
    openLocalSecretStore({ dir: secretsDir }).then((secrets) =>
      startLocalAwsServices({ queues: {}, putEvents: async () => {}, secrets }),
    ),
  ]);
  secretsManager = new SecretsManagerClient({
    endpoint: aws.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = 'sellers-oauth-callback';
  await dynamo.client.send(new CreateTableCommand({ TableName: tableName, ...sellersTableDefinition }));
  const table = { client: dynamo.client, tableName, now: () => clock.now };
  states = new AuthorizationStates(table);
  registry = new SellerRegistry(table);
  vault = new SellerTokenVault({ client: secretsManager, prefix: PREFIX });
  // INFO and metrics on: every line the handler prints is checked for what it must never hold.
  telemetry = loudTelemetry('oauth-callback-test');
});

beforeEach(() => {
  clock.now = Date.now();
  sim.faults.set([]);
  sim.clearLedger();
});

afterAll(async () => {
  secretsManager.destroy();
  await closeGatewayPools();
  await Promise.all([dynamo.close(), sim.close(), aws.close()]);
  await rm(secretsDir, { recursive: true, force: true });
});

let sellers = 0;
/** A seller no other test touches. */
const newSeller = () => `seller-${++sellers}.test_x`;

const handler = (
  overrides: { top?: ReturnType<typeof clientFor>; appCredentials?: typeof appCredentials } = {},
) =>
  oauthCallbackHandler({
    states,
    registry,
    vault,
    top: overrides.top ?? clientFor(sim),
    appCredentials: async () => overrides.appCredentials ?? appCredentials,
    deadlineMs: 2000,
    leaseMs: 30_000,
    logger: telemetry.logger,
    metrics: telemetry.metrics,
    now: () => clock.now,
  });

/** The operator's link for `sellerId`: the simulator's consent page with a fresh state. */
const linkFor = (sellerId: string): Promise<string> =>
  authorizationLink(
    { states, aeGatewayUrl: sim.aeUrl, publicUrl: PUBLIC_URL, appKey: async () => TEST_APP.appKey },
    sellerId,
  );

/** The seller `nick` consents on the simulator: the code and state it sends the browser back with. */
async function consent(link: string, nick = 'sim-nick'): Promise<{ code: string; state: string }> {
  const response = await fetch(`${link}&sim_seller=${encodeURIComponent(nick)}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC_URL}/oauth/callback`);
  return { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}

/** A link handed out for a new seller, and the seller's consent to it. */
async function authorizedLink(nick?: string) {
  const sellerId = newSeller();
  const link = await linkFor(sellerId);
  return { sellerId, link, ...(await consent(link, nick)) };
}

interface Page {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  /** Everything printed to stdout and stderr while the handler ran. */
  readonly lines: readonly string[];
}

/** The browser lands on the callback with `query`; stdout and stderr are captured meanwhile. */
async function callback(query: { code?: string; state?: string }, run = handler()): Promise<Page> {
  const params = Object.fromEntries(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const event: APIGatewayProxyEventV2 = {
    ...httpEvent(ROUTE, undefined, { accept: 'text/html' }),
    rawQueryString: new URLSearchParams(params).toString(),
    ...(Object.keys(params).length > 0 && { queryStringParameters: params }),
  };
  const stdout = captureStdout();
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    const result = await run(
      event,
      createLambdaContext({ functionName: 'oauth-callback', timeoutMs: 15_000 }),
    );
    return {
      status: result.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
      text: result.body ?? '',
      lines: [...stdout.lines(), ...stderr],
    };
  } finally {
    stdout.restore();
    spy.mockRestore();
  }
}

/** A page a person's browser shows: no cache keeps it, no referrer carries its address on. */
function expectPage(page: Page, status: number, ...texts: string[]): void {
  expect(page.status, page.text).toBe(status);
  expect(page.headers).toMatchObject({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  for (const text of texts) expect(page.text).toContain(text);
}

/** Printed something, and none of it holds `values`. */
function expectNotLogged(page: Page, values: readonly string[]): void {
  expect(page.lines.length).toBeGreaterThan(0);
  for (const line of page.lines) {
    for (const value of values) expect(line).not.toContain(value);
  }
}

/** Neither a secret nor a record for the seller. */
async function expectNothingStored(sellerId: string): Promise<void> {
  expect(await vault.read(sellerId)).toBeUndefined();
  expect(await registry.get(sellerId)).toBeUndefined();
}

/** How many codes the platform was asked to exchange. */
const exchanges = () => sim.ledger.filter((entry) => entry.method === '/auth/token/create').length;

const logsOf = (page: Page) =>
  page.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => !('_aws' in line));

describe('GET /oauth/callback (oauthCallbackHandler over dynalite, the simulator and the local Secrets Manager)', () => {
  describe('a state the callback does not take: 400, the platform not asked, nothing stored', () => {
    it('refuses a forged state, though the code is the platform’s own', async () => {
      const sellerId = newSeller();
      const link = new URL(await linkFor(sellerId));
      const forged = Buffer.alloc(32, 7).toString('base64url');
      link.searchParams.set('state', forged);
      const { code, state } = await consent(link.href);
      expect(state).toBe(forged);

      const page = await callback({ code, state });

      expectPage(page, 400, 'The seller was not connected', 'not ours or was already used');
      expect(exchanges()).toBe(0);
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code, state]);
    });

    it('refuses a state used already, even with a fresh code from the same link', async () => {
      const { sellerId, link, code, state } = await authorizedLink();
      expectPage(await callback({ code, state }), 200);
      const first = await vault.read(sellerId);
      const record = await registry.get(sellerId);

      // The seller opens the link again: the platform sends a new code with the same state.
      const again = await consent(link);
      expect(again.state).toBe(state);
      const page = await callback(again);

      expectPage(page, 400, 'not ours or was already used');
      expect(exchanges()).toBe(1);
      expect(await vault.read(sellerId)).toEqual(first);
      expect(await registry.get(sellerId)).toEqual(record);
      expectNotLogged(page, [code, again.code, state]);
    });

    it('refuses a state past its 10 minutes', async () => {
      const { sellerId, code, state } = await authorizedLink();
      clock.now += STATE_TTL_MS + 1;

      const page = await callback({ code, state });

      expectPage(page, 400, 'expired', '10 minutes');
      expect(exchanges()).toBe(0);
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code, state]);
    });

    it('refuses a callback without a state', async () => {
      const { sellerId, code } = await authorizedLink();

      const page = await callback({ code });

      expectPage(page, 400, 'the link carries no state');
      expect(exchanges()).toBe(0);
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code]);
    });
  });

  describe('a code the callback cannot use: 400, nothing stored', () => {
    it('refuses a callback without a code (the seller declined), and the state is spent', async () => {
      const { sellerId, code, state } = await authorizedLink();

      const page = await callback({ state });

      expectPage(page, 400, 'no authorization code');
      expect(exchanges()).toBe(0);
      await expectNothingStored(sellerId);
      expectNotLogged(page, [state]);
      // Single use: the same state with the code is refused now.
      expectPage(await callback({ code, state }), 400, 'was already used');
      await expectNothingStored(sellerId);
    });

    it.each([
      ['a code used already', 'code already used', true],
      ['an unknown code', 'code unknown', false],
    ])('says the platform refused %s', async (_, why, spend) => {
      const { sellerId, code, state } = await authorizedLink();
      // Exchanged elsewhere first, or never issued.
      const sent = spend ? code : `0_${Buffer.alloc(18, 1).toString('base64url')}`;
      if (spend) await clientFor(sim).rest('/auth/token/create', { code }, appCredentials);

      const page = await callback({ code: sent, state });

      expectPage(page, 400, 'the platform refused the authorization: InvalidCode', why);
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code, sent, state]);
    });

    it('escapes what the platform said before showing it', async () => {
      sim.faults.set([
        {
          type: 'error',
          code: 'InvalidCode',
          msg: '<script>alert("code")</script>',
          sub_msg: `a & b's <b>bold</b>`,
          methods: ['/auth/token/create'],
          count: 1,
        },
      ]);
      const { sellerId, code, state } = await authorizedLink();

      const page = await callback({ code, state });

      expectPage(
        page,
        400,
        '&lt;script&gt;alert(&quot;code&quot;)&lt;/script&gt;',
        'a &amp; b&#39;s &lt;b&gt;bold&lt;/b&gt;',
      );
      expect(page.text).not.toContain('<script>');
      expect(page.text).not.toContain('<b>');
      await expectNothingStored(sellerId);
      // The platform's words go to the seller, not to the log.
      expectNotLogged(page, [code, state, 'alert', 'bold']);
    });
  });

  describe('the platform unreachable: 503 with Retry-After, nothing stored', () => {
    it.each<[string, Fault]>([
      ['answers HTTP 502', { type: 'http', status: 502, protocols: ['iop'], count: 1 }],
      ['reports its own fault', { type: 'isp', methods: ['/auth/token/create'], count: 1 }],
      ['resets the connection', { type: 'reset', protocols: ['iop'], count: 1 }],
    ])('when the platform %s', async (_, fault) => {
      sim.faults.set([fault]);
      const { sellerId, code, state } = await authorizedLink();

      const page = await callback({ code, state });

      expectPage(page, 503, 'could not be reached just now');
      expect(page.headers['retry-after']).toBe('60');
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code, state]);
    });

    it('when nothing listens at the platform’s address', async () => {
      const gone = await startTestSimulator();
      await gone.close();
      const { sellerId, code, state } = await authorizedLink();

      const page = await callback({ code, state }, handler({ top: clientFor(gone) }));

      expectPage(page, 503, 'could not be reached just now');
      expect(page.headers['retry-after']).toBe('60');
      await expectNothingStored(sellerId);
      expectNotLogged(page, [code, state]);
    });
  });

  it('answers 503 and logs an error when the platform refuses the app itself (a wrong app secret), blaming not the seller', async () => {
    const { sellerId, code, state } = await authorizedLink();

    const page = await callback(
      { code, state },
      handler({ appCredentials: { ...appCredentials, appSecret: 'not-the-app-secret' } }),
    );

    expectPage(page, 503);
    await expectNothingStored(sellerId);
    const refused = logsOf(page).find((line) => line.message === 'authorization refused');
    expect(refused).toMatchObject({ level: 'ERROR', error: { name: 'AuthorizationNotConfiguredError' } });
    expectNotLogged(page, [code, state]);
  });

  it('answers 409 while a renewal holds the seller, storing nothing and leaving the code unspent', async () => {
    const { sellerId, code, state } = await authorizedLink();
    await registry.hold(sellerId, 'renewal-lease', clock.now + 30_000);

    const page = await callback({ code, state });

    expectPage(page, 409, `seller ${sellerId} is being renewed or authorized right now`);
    expect(exchanges()).toBe(0);
    expect(await vault.read(sellerId)).toBeUndefined();
    // The renewal's hold is as it was: no authorization, its lease untouched.
    expect(await registry.get(sellerId)).toEqual({
      seller_id: sellerId,
      lease_token: 'renewal-lease',
      lease_expires_at: clock.now + 30_000,
    });
    expectNotLogged(page, [code, state]);
  });

  describe('a code the platform exchanges: 200, tokens in the seller’s secret, an ACTIVE record', () => {
    it('connects the seller: the page names it, the secret holds the platform’s tokens, the record is generation 1', async () => {
      const nick = 'acme-first';
      const { sellerId, code, state } = await authorizedLink(nick);
      const platformSellerId = sim.tokens.seller(nick).sellerId;

      const page = await callback({ code, state });

      expectPage(
        page,
        200,
        'Seller connected',
        `Seller ${sellerId} is now connected (platform seller id ${platformSellerId}).`,
      );
      const tokens = await vault.read(sellerId);
      expect(tokens).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        platform_seller_id: platformSellerId,
        generation: 1,
        authorized_at: clock.now,
        tokens_issued_at: clock.now,
        access_token_expires_at: expect.any(Number),
        refresh_token_expires_at: expect.any(Number),
      });
      if (!tokens) return;
      // The platform's own tokens: the access token opens the seller's calls, for 30 days.
      expect(sim.tokens.accessStatus(tokens.access_token, Date.now())).toBe('valid');
      expect(tokens.access_token_expires_at - clock.now).toBeGreaterThan(29 * DAY);
      expect(tokens.refresh_token_expires_at - clock.now).toBeGreaterThan(59 * DAY);

      const record = await registry.get(sellerId);
      expect(record).toEqual({
        seller_id: sellerId,
        authorization: {
          platform_seller_id: platformSellerId,
          generation: 1,
          authorized_at: clock.now,
          tokens_issued_at: clock.now,
          access_token_expires_at: tokens.access_token_expires_at,
          refresh_token_expires_at: tokens.refresh_token_expires_at,
        },
      });
      if (!record?.authorization) return;
      expect(statusAt(record.authorization, clock.now)).toBe('ACTIVE');

      // The page and the log: the seller's ids, never the code, the state or a token.
      for (const value of [code, state, tokens.access_token, tokens.refresh_token]) {
        expect(page.text).not.toContain(value);
      }
      expectNotLogged(page, [code, state, tokens.access_token, tokens.refresh_token]);
      expect(logsOf(page)).toContainEqual(
        expect.objectContaining({ message: 'seller authorized', seller_id: sellerId, generation: 1 }),
      );
      expect(page.lines.some((line) => line.includes('SellersAuthorized'))).toBe(true);
    });

    it('authorizes a seller again: generation 2, the new tokens replace the old ones', async () => {
      const { sellerId, code, state } = await authorizedLink('acme-again');
      expectPage(await callback({ code, state }), 200);
      const first = await vault.read(sellerId);

      clock.now += 60_000;
      const again = await consent(await linkFor(sellerId), 'acme-again');
      const page = await callback(again);

      expectPage(page, 200, `Seller ${sellerId} is now connected`);
      const second = await vault.read(sellerId);
      expect(second).toMatchObject({ generation: 2, authorized_at: clock.now, tokens_issued_at: clock.now });
      expect(second?.access_token).not.toBe(first?.access_token);
      expect(second?.refresh_token).not.toBe(first?.refresh_token);
      expect(sim.tokens.accessStatus(second?.access_token ?? '', Date.now())).toBe('valid');
      expect((await registry.get(sellerId))?.authorization).toMatchObject({
        generation: 2,
        authorized_at: clock.now,
        access_token_expires_at: second?.access_token_expires_at,
      });
      expectNotLogged(page, [
        again.code,
        again.state,
        ...[first, second].flatMap((t) => (t ? [t.access_token, t.refresh_token] : [])),
      ]);
    });
  });

  // A regression guard: `release` once wrote `attribute_not_exists(authorization)`, a reserved word, so
  // the delete always failed (swallowed by complete-authorization.ts) and a failed first authorization
  // left a record holding only a lease: 409 to a new link until it lapsed, and a record due for good.
  describe('a first authorization that fails after the seller was held leaves no record behind', () => {
    it('after the platform refused the code', async () => {
      const { sellerId, state } = await authorizedLink();
      expectPage(await callback({ code: '0_unknown-code', state }), 400);

      expect(await registry.get(sellerId)).toBeUndefined();
    });

    it('after the platform could not be reached', async () => {
      sim.faults.set([{ type: 'http', status: 502, protocols: ['iop'], count: 1 }]);
      const { sellerId, code, state } = await authorizedLink();
      expectPage(await callback({ code, state }), 503);

      expect(await registry.get(sellerId)).toBeUndefined();
    });

    it('so a new link right after a refused code connects the seller (no lease holds it)', async () => {
      const { sellerId, state } = await authorizedLink();
      expectPage(await callback({ code: '0_unknown-code', state }), 400);

      const page = await callback(await consent(await linkFor(sellerId)));

      expectPage(page, 200, `Seller ${sellerId} is now connected`);
    });
  });

  // The state is taken once, at the callback; a failure the page asks the seller to retry puts it back.
  describe('after a passing failure the seller may open the same link again, as the page says', () => {
    it('after a 503 (the platform unreachable), the same link a minute later connects the seller', async () => {
      sim.faults.set([{ type: 'http', status: 502, protocols: ['iop'], count: 1 }]);
      const { sellerId, link, code, state } = await authorizedLink();
      expectPage(
        await callback({ code, state }),
        503,
        'Please open the authorization link again in a minute',
      );
      // As the page says: a minute later.
      clock.now += 60_000;

      const page = await callback(await consent(link));

      expectPage(page, 200, `Seller ${sellerId} is now connected`);
    });

    it('after a 409 (a renewal held the seller), the same link a minute later connects the seller', async () => {
      const { sellerId, link, code, state } = await authorizedLink();
      await registry.hold(sellerId, 'renewal-lease', clock.now + 30_000);
      expectPage(await callback({ code, state }), 409, 'try again in a minute');
      // The renewal's lease has lapsed.
      clock.now += 60_000;

      const page = await callback(await consent(link));

      expectPage(page, 200, `Seller ${sellerId} is now connected`);
    });
  });
});
