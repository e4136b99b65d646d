import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { TopAuthError, TopPermanentError } from '#lib/top/errors.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { appCredentials, clientFor, startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';

let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

/** What the seller's browser brings back from the platform's consent page: a single-use code. */
async function authorizationCode(): Promise<string> {
  const url = new URL('/oauth/authorize', sim.aeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    force_auth: 'true',
    client_id: TEST_APP.appKey,
    redirect_uri: 'http://127.0.0.1:1/oauth/callback',
    state: 'state-1',
  }).toString();
  const answer = await fetch(url, { redirect: 'manual' });
  const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect (HTTP ${answer.status})`);
  return code;
}

describe('TopClient.rest, IOP path APIs', () => {
  it('exchanges a code for tokens that then act for the seller on /sync', async () => {
    const client = clientFor(sim);
    const created = await client.rest(
      '/auth/token/create',
      { code: await authorizationCode() },
      appCredentials,
    );

    expect(created.body).toMatchObject({
      code: '0',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: expect.any(Number),
    });
    expect(created.requestId).toEqual(expect.any(String));
    const session = String(created.body.access_token);
    const shipped = await fulfillOrder(
      client,
      { ...appCredentials, session },
      {
        service_name: 'EMS',
        out_ref: '7701',
        send_type: 'all',
        logistics_no: 'LA7701CN',
      },
    );
    expect(shipped.response.result?.result_success).toBe(true);
  });

  it('refreshes a pair once; the used refresh token is then refused as an auth error', async () => {
    const client = clientFor(sim);
    const created = await client.rest(
      '/auth/token/create',
      { code: await authorizationCode() },
      appCredentials,
    );
    const refreshToken = String(created.body.refresh_token);

    const refreshed = await client.rest(
      '/auth/token/refresh',
      { refresh_token: refreshToken },
      appCredentials,
    );
    expect(refreshed.body.refresh_token).not.toBe(refreshToken);

    const again = await client
      .rest('/auth/token/refresh', { refresh_token: refreshToken }, appCredentials)
      .catch((error) => error);
    expect(again).toBeInstanceOf(TopAuthError);
    expect(again).toMatchObject({ code: 'IllegalRefreshToken', method: '/auth/token/refresh' });
  });

  it('reads a refused code as a permanent error naming the path', async () => {
    const error = await clientFor(sim)
      .rest('/auth/token/create', { code: 'not-a-code' }, appCredentials)
      .catch((e) => e);

    expect(error).toBeInstanceOf(TopPermanentError);
    expect(error).toMatchObject({ type: 'ISV', method: '/auth/token/create' });
  });

  it('cannot be called without an AliExpress host, nor with a path that is not one', async () => {
    const onTop = clientFor(sim, { aeProtocol: 'top', aeGatewayUrl: undefined });
    await expect(onTop.rest('/auth/token/create', { code: 'c' }, appCredentials)).rejects.toThrow(
      'This client has no aeGatewayUrl',
    );
    await expect(clientFor(sim).rest('auth?x=1', {}, appCredentials)).rejects.toThrow('Not an API path');
  });
});
