import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { oauthCallbackHandler } from '#lib/handlers/oauth-callback.ts';
import { type OperatorHandlerDeps, operatorHandler } from '#lib/handlers/operator.ts';
import type { SellerParts } from '#lib/runtime/runtime.ts';
import { AuthorizationStates } from '#lib/sellers/authorization-states.ts';
import { SellerRegistry } from '#lib/sellers/registry.ts';
import type { SellerTokens } from '#lib/sellers/seller.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { type LocalAwsServices, startLocalAwsServices } from '#local/aws-services.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { openLocalSecretStore } from '#local/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import {
  captureStdout,
  httpEvent,
  loudTelemetry,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// The operator's seller routes (`GET /sellers`, `GET /sellers/{seller_id}`,
// `GET /sellers/{seller_id}/authorize`) over dynalite, the simulator and the local Secrets Manager.

const PUBLIC_URL = 'https://sellers.example.com';
const PREFIX = 'test/seller-tokens/';
const PROBLEM = 'urn:top-webhooks:problem:';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STATE = /^[A-Za-z0-9_-]{43}$/;
const DAY = 86_400_000;
const AUTHORIZE = 'GET /sellers/{seller_id}/authorize';
const SELLER = 'GET /sellers/{seller_id}';
const SELLERS = 'GET /sellers';

const parts = useTestParts();
let h: WebhookHarness;
let aws: LocalAwsServices;
let secretsDir: string;
let secretsManager: SecretsManagerClient;
let vault: SellerTokenVault;
// A fresh sellers table per test: `GET /sellers` lists what that test wrote, and nothing else.
let tableName: string;
let sellers: { vault: SellerTokenVault; registry: SellerRegistry; states: AuthorizationStates };
let tables = 0;

beforeAll(async () => {
  secretsDir = await mkdtemp(join(tmpdir(), 'operator-sellers-secrets-'));
  aws = await startLocalAwsServices({
    queues: {},
    putEvents: async () => {},
    secrets: await openLocalSecretStore({ dir: secretsDir }),
  });
  secretsManager = new SecretsManagerClient({
    endpoint: aws.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  vault = new SellerTokenVault({ client: secretsManager, prefix: PREFIX });
  h = await webhookHarness(parts.dynamo, parts.sim);
});

beforeEach(async () => {
  h.clock.now = Date.now();
  tableName = `sellers-operator-${++tables}`;
  await parts.dynamo.client.send(new CreateTableCommand({ TableName: tableName, ...sellersTableDefinition }));
  const table = { client: parts.dynamo.client, tableName, now: () => h.clock.now };
  sellers = { vault, registry: new SellerRegistry(table), states: new AuthorizationStates(table) };
});

afterAll(async () => {
  secretsManager.destroy();
  await aws.close();
  await rm(secretsDir, { recursive: true, force: true });
});

/** The operator API as functions/operator-api builds it, with the seller parts and addresses given. */
const operator = (overrides: Partial<OperatorHandlerDeps> = {}) =>
  operatorHandler({
    ...h.runtime,
    apis: TOP_APIS,
    sellers,
    publicUrl: PUBLIC_URL,
    aeGatewayUrl: parts.sim.aeUrl,
    now: () => h.clock.now,
    ...overrides,
  });

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

const answerOf = (result: APIGatewayProxyStructuredResultV2): Answer => {
  const raw = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    raw,
    body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
  };
};

const context = () => createLambdaContext({ functionName: 'operator-api', timeoutMs: 15_000 });

async function request(
  routeKey: string,
  sellerId?: string,
  overrides: Partial<OperatorHandlerDeps> = {},
): Promise<Answer> {
  const params = sellerId === undefined ? undefined : { seller_id: sellerId };
  return answerOf(await operator(overrides)(httpEvent(routeKey, undefined, {}, false, params), context()));
}

/** The states stored in the table: items keyed `state#…`. */
async function storedStates(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await h.runtime.dynamodb.send(new ScanCommand({ TableName: tableName }));
  return Items.filter((item) => String(item.pk).startsWith('state#'));
}

/** The whole dance for `sellerId`: the operator's link, consent on the simulator, the callback. */
async function authorize(sellerId: string, nick = `${sellerId}-nick`): Promise<SellerTokens> {
  const link = await request(AUTHORIZE, sellerId);
  expect(link.status).toBe(302);
  const consent = await fetch(`${link.headers.location}&sim_seller=${nick}`, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  const query = Object.fromEntries(back.searchParams);
  // As functions/oauth-callback builds it, from the same runtime.
  const callback = oauthCallbackHandler({
    ...sellers,
    top: h.runtime.top,
    appCredentials: () => h.runtime.credentials.app('aliexpress'),
    deadlineMs: 2000,
    leaseMs: 45_000,
    logger: h.runtime.logger,
    metrics: h.runtime.metrics,
    now: () => h.clock.now,
  });
  const page = await callback(
    { ...httpEvent('GET /oauth/callback', undefined, {}), queryStringParameters: query },
    context(),
  );
  expect(page.statusCode, page.body).toBe(200);
  const tokens = await vault.read(sellerId);
  if (!tokens) throw new Error(`no tokens stored for ${sellerId}`);
  return tokens;
}

/** No value of a token appears anywhere in the answer's text. */
function expectNoToken(answer: Answer, tokens: readonly SellerTokens[]): void {
  for (const value of tokens.flatMap((t) => [t.access_token, t.refresh_token])) {
    expect(answer.raw).not.toContain(value);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('the operator’s seller routes', () => {
  describe('GET /sellers/{seller_id}/authorize', () => {
    it('redirects to the platform’s consent page with every parameter and a fresh state, which no cache may keep', async () => {
      const answer = await request(AUTHORIZE, 'acme-store.eu_1');

      expect(answer.status).toBe(302);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.raw).toBe('');
      const location = new URL(answer.headers.location ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(`${parts.sim.aeUrl}/oauth/authorize`);
      expect([...location.searchParams.keys()].sort()).toEqual([
        'client_id',
        'force_auth',
        'redirect_uri',
        'response_type',
        'state',
      ]);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        response_type: 'code',
        force_auth: 'true',
        client_id: TEST_APP.appKey,
        redirect_uri: `${PUBLIC_URL}/oauth/callback`,
        state: expect.stringMatching(STATE),
      });
    });

    it('stores the state for that seller, by its hash only, good for 10 minutes, once', async () => {
      const answer = await request(AUTHORIZE, 'acme-store');
      const state = new URL(answer.headers.location ?? '').searchParams.get('state') ?? '';

      const stored = await storedStates();
      expect(stored).toEqual([
        expect.objectContaining({
          pk: `state#${createHash('sha256').update(state).digest('base64url')}`,
          seller_id: 'acme-store',
          state_expires_at: h.clock.now + 10 * 60_000,
        }),
      ]);
      expect(JSON.stringify(stored)).not.toContain(state);
      expect(await sellers.states.consume(state)).toMatchObject({ sellerId: 'acme-store', expired: false });
      expect(await sellers.states.consume(state)).toBeUndefined();
    });

    it('hands out a new state each time', async () => {
      const states = await Promise.all(
        [1, 2].map(async () => {
          const answer = await request(AUTHORIZE, 'acme-store');
          return new URL(answer.headers.location ?? '').searchParams.get('state');
        }),
      );

      expect(new Set(states).size).toBe(2);
      expect(await storedStates()).toHaveLength(2);
    });

    it.each([
      ['AE gateway', { aeGatewayUrl: undefined }, 'AE_GATEWAY_URL'],
      ['public URL', { publicUrl: undefined }, 'PUBLIC_URL'],
      ['sellers table', { sellers: { vault, registry: undefined, states: undefined } }, 'SELLERS_TABLE'],
    ] as const)(
      'answers 503 without a %s: misconfigured, no link, no state, nothing of the setting told',
      async (_, overrides, setting) => {
        const { logger, metrics } = loudTelemetry('operator-sellers-test');
        const stdout = captureStdout();
        const stderr: string[] = [];
        const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
          stderr.push(...String(chunk).split('\n').filter(Boolean));
          return true;
        });
        let answer: Answer;
        try {
          answer = await request(AUTHORIZE, 'acme-store', {
            ...(overrides as Partial<OperatorHandlerDeps>),
            logger,
            metrics,
          });
        } finally {
          stdout.restore();
          spy.mockRestore();
        }

        expect(answer.status).toBe(503);
        expect(answer.headers['content-type']).toBe('application/problem+json');
        expect(answer.headers).not.toHaveProperty('location');
        expect(answer.body).toEqual({
          type: `${PROBLEM}dependency-unavailable`,
          title: 'Service unavailable',
          status: 503,
          detail: 'a dependency is unavailable; nothing was stored, retry later',
        });
        expect(answer.raw).not.toContain(setting);
        expect(await storedStates()).toEqual([]);
        // The operator's log, at error level, says which setting is missing.
        const logged = [...stdout.lines(), ...stderr]
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((line) => line.message === 'operator request refused');
        expect(logged).toMatchObject({ level: 'ERROR', http_status: 503 });
        expect(JSON.stringify(logged?.error)).toContain(setting);
      },
    );
  });

  describe('a seller id that cannot name a seller', () => {
    it.each([
      ['a space', 'acme store'],
      ['a slash', 'acme/store'],
      ['a non-ASCII letter', 'acmé'],
      ['65 characters', 'a'.repeat(65)],
      ['nothing', ''],
    ])('is refused with 400 when it holds %s, on each seller route', async (_, sellerId) => {
      for (const route of [AUTHORIZE, SELLER]) {
        const answer = await request(route, sellerId);

        expect(answer.status, route).toBe(400);
        expect(answer.headers['content-type']).toBe('application/problem+json');
        expect(answer.headers).not.toHaveProperty('location');
        expect(answer.body).toEqual({
          type: `${PROBLEM}invalid-seller-id`,
          title: 'Invalid seller id',
          status: 400,
          detail: 'seller_id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
        });
      }
      expect(await storedStates()).toEqual([]);
    });

    it('takes 64 characters of every kind allowed', async () => {
      const sellerId = `${'Az09._-'.repeat(9)}x`;
      expect(sellerId).toHaveLength(64);

      expect((await request(AUTHORIZE, sellerId)).status).toBe(302);
    });
  });

  describe('GET /sellers/{seller_id}', () => {
    it('answers 404 for a seller that never authorized', async () => {
      const answer = await request(SELLER, 'nobody');

      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.body).toEqual({
        type: `${PROBLEM}not-found`,
        title: 'Not Found',
        status: 404,
        detail: 'no seller nobody has authorized the app',
      });
    });

    it('answers 404 for a seller whose first authorization is still running (held, nothing authorized)', async () => {
      await sellers.registry.hold('half-way', 'callback-lease', h.clock.now + 45_000);

      expect((await request(SELLER, 'half-way')).status).toBe(404);
      expect((await request(SELLERS)).body).toEqual({ items: [] });
    });

    it('shows an authorized seller: ids, status, ISO dates, where to authorize again, and no token', async () => {
      const tokens = await authorize('acme-store', 'acme-nick');

      const answer = await request(SELLER, 'acme-store');

      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.body).toEqual({
        seller_id: 'acme-store',
        platform_seller_id: parts.sim.tokens.seller('acme-nick').sellerId,
        status: 'ACTIVE',
        access_token_expires_at: iso(tokens.access_token_expires_at),
        refresh_token_expires_at: iso(tokens.refresh_token_expires_at),
        authorized_at: iso(h.clock.now),
        last_refreshed_at: null,
        last_error: null,
        authorize_url: `${PUBLIC_URL}/sellers/acme-store/authorize`,
      });
      for (const field of ['access_token_expires_at', 'refresh_token_expires_at', 'authorized_at']) {
        expect(answer.body[field]).toMatch(ISO);
      }
      expectNoToken(answer, [tokens]);
    });

    it('turns REAUTHORIZE_SOON in the refresh token’s last quarter, and REAUTHORIZE at its end', async () => {
      const tokens = await authorize('acme-store');
      const authorizedAt = h.clock.now;
      const statusAt = async (at: number) => {
        h.clock.now = at;
        return (await request(SELLER, 'acme-store')).body.status;
      };
      const quarter = Math.floor((tokens.refresh_token_expires_at - authorizedAt) / 4);

      expect(await statusAt(tokens.refresh_token_expires_at - quarter - 1)).toBe('ACTIVE');
      expect(await statusAt(tokens.refresh_token_expires_at - quarter)).toBe('REAUTHORIZE_SOON');
      expect(await statusAt(tokens.refresh_token_expires_at)).toBe('REAUTHORIZE');
      expect(tokens.refresh_token_expires_at - authorizedAt).toBeGreaterThan(59 * DAY);
    });

    it('shows the last renewal and its error as the registry holds them, never a token', async () => {
      const tokens = await authorize('acme-store');
      const record = await sellers.registry.get('acme-store');
      if (!record?.authorization) throw new Error('no authorization');
      const renewedAt = h.clock.now + 15 * DAY;
      h.clock.now = renewedAt;
      const held = await sellers.registry.hold('acme-store', 'renewal', renewedAt + 60_000);
      expect(held).toBeDefined();
      await sellers.registry.save(
        {
          seller_id: 'acme-store',
          authorization: {
            ...record.authorization,
            last_refreshed_at: renewedAt,
            refused: true,
            last_error: { code: 'IllegalRefreshToken', message: 'refresh token already used' },
          },
        },
        'renewal',
      );

      const answer = await request(SELLER, 'acme-store');

      expect(answer.body).toMatchObject({
        status: 'REAUTHORIZE',
        last_refreshed_at: iso(renewedAt),
        last_error: { code: 'IllegalRefreshToken', message: 'refresh token already used' },
        authorize_url: `${PUBLIC_URL}/sellers/acme-store/authorize`,
      });
      expect(answer.body).not.toHaveProperty('refused');
      expectNoToken(answer, [tokens]);
    });
  });

  describe('GET /sellers', () => {
    it('lists every authorized seller by seller_id, each as GET /sellers/{seller_id} shows it, no token in any', async () => {
      const zulu = await authorize('zulu-shop');
      const acme = await authorize('acme-store');
      const again = await authorize('acme-store');

      const list = await request(SELLERS);

      expect(list.status).toBe(200);
      expect(list.headers['content-type']).toBe('application/json');
      const items = list.body.items as Record<string, unknown>[];
      expect(items.map((item) => item.seller_id)).toEqual(['acme-store', 'zulu-shop']);
      expect(items).toEqual([
        (await request(SELLER, 'acme-store')).body,
        (await request(SELLER, 'zulu-shop')).body,
      ]);
      expect(items[0]).toMatchObject({
        status: 'ACTIVE',
        access_token_expires_at: iso(again.access_token_expires_at),
        authorize_url: `${PUBLIC_URL}/sellers/acme-store/authorize`,
      });
      expectNoToken(list, [zulu, acme, again]);
    });

    it('answers 503 without the sellers table, as every seller route does', async () => {
      for (const [route, sellerId] of [
        [SELLERS, undefined],
        [SELLER, 'acme-store'],
      ] as const) {
        const answer = await request(route, sellerId, {
          sellers: { vault: undefined, registry: undefined, states: undefined } satisfies SellerParts,
        });

        expect(answer.status, route).toBe(503);
        expect(answer.body).toMatchObject({ type: `${PROBLEM}dependency-unavailable`, status: 503 });
      }
    });
  });
});
