import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { oauthCallbackHandler } from '#lib/handlers/oauth-callback.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { type TokenRenewalResult, tokenRenewalHandler } from '#lib/handlers/token-renewal.ts';
import type { RuntimeOverrides } from '#lib/runtime/runtime.ts';
import { requireSellerParts } from '#lib/runtime/seller-parts.ts';
import { authorizationLink } from '#lib/sellers/authorize.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { startLocalAwsServices } from '#local/aws-services.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { openLocalSecretStore } from '#local/secrets-manager.ts';
import type { TestParts } from './test-parts.ts';
import { TEST_APP } from './top-sim.ts';
import { type HttpResult, httpEvent, webhookHarness } from './webhook-harness.ts';

let tables = 0;
export const PUBLIC_URL = 'https://hooks.example.test';
export const SELLER_TOKENS_PREFIX = 'test/seller-tokens/';

/**
 * The webhook harness with sellers who authorize the app: a sellers table in dynalite, a local Secrets
 * Manager (on disk, under a temp dir) for their tokens, the OAuth callback and the token renewal.
 * `clock` drives the stores, the renewal and the simulator when it was started with `now: () => clock.now`.
 */
export async function sellersHarness(
  parts: TestParts,
  options: { service?: string; env?: Record<string, string>; overrides?: RuntimeOverrides } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'sellers-'));
  const aws = await startLocalAwsServices({
    queues: {},
    putEvents: async () => {},
    secrets: await openLocalSecretStore({ dir }),
  });
  const secretsManager = new SecretsManagerClient({
    endpoint: aws.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sellersTable = `sellers-${++tables}`;
  await parts.dynamo.client.send(
    new CreateTableCommand({ TableName: sellersTable, ...sellersTableDefinition }),
  );
  const stack = await webhookHarness(parts.dynamo, parts.sim, {
    env: { SELLER_TOKENS_PREFIX, SELLERS_TABLE: sellersTable, PUBLIC_URL, ...options.env },
    overrides: { secretsManager, ...options.overrides },
    ...(options.service && { service: options.service }),
  });
  const { runtime, clock } = stack;
  const sellers = requireSellerParts(runtime.sellers);
  const appCredentials = () => runtime.credentials.app('aliexpress');
  const callback = oauthCallbackHandler({
    ...runtime,
    ...sellers,
    appCredentials,
    deadlineMs: 2_000,
    leaseMs: 45_000,
  });
  const operator = operatorHandler({
    ...runtime,
    apis: TOP_APIS,
    publicUrl: PUBLIC_URL,
    aeGatewayUrl: parts.sim.aeUrl,
  });
  const renewal = tokenRenewalHandler({
    ...runtime,
    ...sellers,
    appCredentials,
    batchSize: 100,
    concurrency: 4,
  });
  const context = (timeoutMs: number) => createLambdaContext({ functionName: 'test', timeoutMs });

  /** The link an operator hands out, as `GET /sellers/{id}/authorize` redirects to it. */
  const link = (sellerId: string) =>
    authorizationLink(
      {
        states: sellers.states,
        aeGatewayUrl: parts.sim.aeUrl,
        publicUrl: PUBLIC_URL,
        appKey: async () => TEST_APP.appKey,
      },
      sellerId,
    );

  /** The seller's browser at the callback, with whatever query the platform sent it back with. */
  async function callbackWith(query: Record<string, string>): Promise<HttpResult & { html: string }> {
    const event = { ...httpEvent('GET /oauth/callback', undefined, {}), queryStringParameters: query };
    const result = await callback(event, context(15_000));
    return {
      status: result.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body: {},
      raw: result.body ?? '',
      html: result.body ?? '',
    };
  }

  /** The platform's consent page, answered for seller `nick`: the callback URL it redirects to. */
  async function consent(url: string, nick: string): Promise<URL> {
    const response = await fetch(`${url}&sim_seller=${encodeURIComponent(nick)}`, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) throw new Error(`the consent page answered ${response.status}`);
    return new URL(location);
  }

  /** The whole dance for `sellerId`: link, consent as `nick`, callback. */
  async function authorize(sellerId: string, nick = `nick-${sellerId}`) {
    const back = await consent(await link(sellerId), nick);
    return callbackWith(Object.fromEntries(back.searchParams));
  }

  return {
    ...stack,
    clock,
    sellers,
    secretsManager,
    /** What another harness's functions set to share these sellers. */
    sellersEnv: { SELLER_TOKENS_PREFIX, SELLERS_TABLE: sellersTable, PUBLIC_URL },
    link,
    consent,
    callbackWith,
    authorize,
    /** The operator's `GET /sellers/{seller_id}`: the body of a 200, or throws. */
    async view(sellerId: string): Promise<Record<string, unknown>> {
      const event = httpEvent('GET /sellers/{seller_id}', undefined, {}, false, { seller_id: sellerId });
      const result = await operator(event, context(15_000));
      if (result.statusCode !== 200)
        throw new Error(`GET /sellers/${sellerId} answered ${result.statusCode}`);
      return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
    },
    /** One scheduled run of the token renewal. */
    renew: (): Promise<TokenRenewalResult> => renewal({}, context(60_000)),
    /** A fulfilment for `sellerId`, delivered by the storefront. */
    fulfil: (sellerId: string, outRef: string) =>
      stack.deliverStorefront({
        seller_id: sellerId,
        fulfillment: {
          out_ref: outRef,
          service_name: 'EMS',
          send_type: 'part',
          logistics_no: `LA${outRef}CN`,
        },
      }),
    async close() {
      secretsManager.destroy();
      await aws.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type SellersHarness = Awaited<ReturnType<typeof sellersHarness>>;
