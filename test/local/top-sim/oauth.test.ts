import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signIop } from '#lib/top/sign.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { CODE_TTL_MS, DEFAULT_SELLER_NICK } from '#local/top-sim/tokens.ts';
import { simControl } from '#test/helpers/top-raw.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';
import {
  authorize,
  CREATE,
  codeFor,
  consent,
  errorOf,
  FULFILL,
  grantFor,
  postRest,
  postSync,
  postTop,
  REFRESH,
  restFields,
  syncFields,
  topFields,
} from './iop-raw.ts';

const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
const ACCESS_TTL = 3600 * SECOND;
const REFRESH_TTL = 2 * DAY;
const shipment = { service_name: 'EMS', out_ref: '8001', send_type: 'part', logistics_no: 'LA8CN' };

// One clock for the simulator and the requests: timestamps stay valid however far a test moves it.
let clock = T0;
let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => clock, accessTtlMs: ACCESS_TTL, refreshTtlMs: REFRESH_TTL });
});
beforeEach(() => {
  clock = T0;
  sim.clearLedger();
  sim.tokens.setTtls({ accessTtlMs: ACCESS_TTL, refreshTtlMs: REFRESH_TTL });
});
afterAll(async () => {
  await sim.close();
});

const create = (code: string) => postRest(sim.aeUrl, CREATE, restFields({ code }, clock));
const refresh = (token: string) => postRest(sim.aeUrl, REFRESH, restFields({ refresh_token: token }, clock));
const fulfilWith = (token: string) =>
  postSync(sim.aeUrl, syncFields(FULFILL, shipment, { session: token, at: clock }));
const fulfilOnTop = (token: string) =>
  postTop(sim.origin, topFields(FULFILL, shipment, { session: token, at: clock }));
const accepted = (body: Record<string, unknown>) => 'aliexpress_solution_order_fulfill_response' in body;

describe('seller authorization on the simulator (OAuth code grant)', () => {
  describe('GET /oauth/authorize', () => {
    it('redirects to redirect_uri with a code and the state, keeping the query it already has', async () => {
      const answer = await authorize(
        sim.aeUrl,
        consent({ redirect_uri: 'https://app.example.com/cb?shop=s-1', state: 'xyz 1' }),
      );

      expect(answer.status).toBe(302);
      const location = new URL(answer.location ?? '');
      expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/cb');
      expect(location.searchParams.get('shop')).toBe('s-1');
      expect(location.searchParams.get('state')).toBe('xyz 1');
      expect(location.searchParams.get('code')).toMatch(/^\S{16,}$/);
    });

    it('issues a different code each time', async () => {
      expect(await codeFor(sim.aeUrl)).not.toBe(await codeFor(sim.aeUrl));
    });

    it.each<{ what: string; params: Record<string, string> }>([
      { what: 'another app’s client_id', params: { client_id: 'someone-else' } },
      { what: 'response_type=token', params: { response_type: 'token' } },
      { what: 'no redirect_uri', params: { redirect_uri: '' } },
      { what: 'a redirect_uri that is not http(s)', params: { redirect_uri: 'javascript:alert(1)' } },
      { what: 'a redirect_uri that is not a URL', params: { redirect_uri: '/oauth/callback' } },
    ])('answers 400 with a short text to $what', async ({ params }) => {
      const answer = await authorize(sim.aeUrl, consent(params));

      expect(answer.status).toBe(400);
      expect(answer.text.length).toBeGreaterThan(0);
      expect(answer.location).toBeUndefined();
    });
  });

  describe('POST /rest/auth/token/create', () => {
    it('exchanges a code for a token pair with the seller’s identity, flat, code "0"', async () => {
      const body = (await create(await codeFor(sim.aeUrl))).json();

      expect(body).toEqual({
        code: '0',
        request_id: expect.stringMatching(/^[0-9a-z]+$/),
        access_token: expect.stringMatching(/^\S{24,}$/),
        refresh_token: expect.stringMatching(/^\S{24,}$/),
        expires_in: ACCESS_TTL / SECOND,
        refresh_expires_in: REFRESH_TTL / SECOND,
        expire_time: T0 + ACCESS_TTL,
        refresh_token_valid_time: T0 + REFRESH_TTL,
        seller_id: expect.stringMatching(/^\d+$/),
        user_id: expect.stringMatching(/^\d+$/),
        user_nick: DEFAULT_SELLER_NICK,
        account: expect.any(String),
        account_platform: 'seller_center',
        locale: expect.any(String),
        sp: 'ae',
        havana_id: expect.stringMatching(/^\d+$/),
      });
      expect(body.access_token).not.toBe(body.refresh_token);
    });

    it('gives each seller nick its own stable seller_id and user_id', async () => {
      const a1 = await grantFor(sim.aeUrl, clock, 'shop-a');
      const a2 = await grantFor(sim.aeUrl, clock, 'shop-a');
      const b = await grantFor(sim.aeUrl, clock, 'shop-b');

      expect(a1).toMatchObject({ user_nick: 'shop-a', seller_id: a2.seller_id, user_id: a2.user_id });
      expect(b.user_nick).toBe('shop-b');
      expect(b.seller_id).not.toBe(a1.seller_id);
      expect(b.user_id).not.toBe(a1.user_id);
      expect(a1.access_token).not.toBe(a2.access_token);
    });

    it('takes a code once: a second exchange is refused with InvalidCode', async () => {
      const code = await codeFor(sim.aeUrl);
      expect((await create(code)).json().code).toBe('0');

      expect((await create(code)).json()).toEqual({
        code: 'InvalidCode',
        type: 'ISV',
        message: expect.any(String),
        sub_msg: 'code already used',
        request_id: expect.any(String),
      });
    });

    it('refuses a code past its 10 minutes, and an unknown one', async () => {
      const code = await codeFor(sim.aeUrl);
      clock = T0 + CODE_TTL_MS;

      expect((await create(code)).json()).toMatchObject({ code: 'InvalidCode', sub_msg: 'code expired' });
      expect((await create('0_made-up')).json()).toMatchObject({
        code: 'InvalidCode',
        sub_msg: 'code unknown',
      });
    });

    it('refuses a call without code with MissingParameter, and a bad signature with IncompleteSignature', async () => {
      const code = await codeFor(sim.aeUrl);

      expect((await postRest(sim.aeUrl, CREATE, restFields({}, clock))).json()).toMatchObject({
        code: 'MissingParameter',
        type: 'ISV',
      });
      const fields = restFields({ code }, clock);
      for (const sign of [signIop(fields, 'wrong-secret', CREATE), signIop(fields, TEST_APP.appSecret)]) {
        // The second is signed without the API path, which IOP signs in for /rest calls.
        expect((await postRest(sim.aeUrl, CREATE, fields, { sign })).json()).toMatchObject({
          code: 'IncompleteSignature',
          type: 'ISV',
        });
      }
      expect((await create(code)).json().code).toBe('0');
    });

    it('answers InvalidApiPath, flat, to an unknown /rest path', async () => {
      const answer = await postRest(sim.aeUrl, '/auth/token/revoke', restFields({}, clock));

      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({
        code: 'InvalidApiPath',
        type: 'ISV',
        message: expect.any(String),
      });
    });

    it('records the exchange in the ledger by its path, without the code or the tokens', async () => {
      const code = await codeFor(sim.aeUrl);
      const body = (await create(code)).json();
      await refresh(String(body.refresh_token));

      expect(sim.ledger).toEqual([
        {
          method: CREATE,
          params: {},
          at: new Date(T0).toISOString(),
          request_id: body.request_id,
          protocol: 'iop',
        },
        expect.objectContaining({ method: REFRESH, params: {}, protocol: 'iop' }),
      ]);
      const ledger = JSON.stringify(sim.ledger);
      for (const secret of [code, body.access_token, body.refresh_token])
        expect(ledger).not.toContain(secret);
    });
  });

  describe('POST /rest/auth/token/refresh', () => {
    it('answers a new pair; the old refresh token is refused from then on', async () => {
      const first = await grantFor(sim.aeUrl, clock);
      clock = T0 + DAY;
      const second = (await refresh(String(first.refresh_token))).json();

      expect(second).toMatchObject({ code: '0', user_nick: first.user_nick, seller_id: first.seller_id });
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await refresh(String(first.refresh_token))).json()).toMatchObject({
        code: 'IllegalRefreshToken',
        type: 'ISV',
        sub_msg: 'refresh token already used',
      });
      expect((await refresh(String(second.refresh_token))).json().code).toBe('0');
    });

    it('keeps the original end: refresh_token_valid_time unchanged, refresh_expires_in the seconds left', async () => {
      const first = await grantFor(sim.aeUrl, clock);
      clock = T0 + DAY / 2;
      const second = (await refresh(String(first.refresh_token))).json();

      expect(second).toMatchObject({
        refresh_token_valid_time: T0 + REFRESH_TTL,
        refresh_expires_in: (REFRESH_TTL - DAY / 2) / SECOND,
        expire_time: clock + ACCESS_TTL,
        expires_in: ACCESS_TTL / SECOND,
      });
    });

    it('refuses a refresh token past its end, and an unknown one, with IllegalRefreshToken', async () => {
      const first = await grantFor(sim.aeUrl, clock);
      clock = T0 + REFRESH_TTL;

      expect((await refresh(String(first.refresh_token))).json()).toMatchObject({
        code: 'IllegalRefreshToken',
        sub_msg: 'refresh token expired',
      });
      expect((await refresh('made-up')).json()).toMatchObject({ code: 'IllegalRefreshToken' });
    });

    it('leaves the old access token valid until its own expiry', async () => {
      const first = await grantFor(sim.aeUrl, clock);
      await refresh(String(first.refresh_token));

      expect(accepted((await fulfilWith(String(first.access_token))).json())).toBe(true);
      clock = T0 + ACCESS_TTL;
      expect(errorOf(await fulfilWith(String(first.access_token))).code).toBe('IllegalAccessToken');
    });
  });

  describe('issued access tokens', () => {
    it('are accepted on /sync until they expire, then answered IllegalAccessToken (ISV)', async () => {
      const { access_token: token } = await grantFor(sim.aeUrl, clock);

      clock = T0 + ACCESS_TTL - 1;
      expect(accepted((await fulfilWith(String(token))).json())).toBe(true);
      clock = T0 + ACCESS_TTL;
      expect(errorOf(await fulfilWith(String(token)))).toMatchObject({
        type: 'ISV',
        code: 'IllegalAccessToken',
        sub_msg: 'expired access token',
      });
    });

    it('are accepted as session on /router/rest until they expire, then answered 27 Invalid Session', async () => {
      const { access_token: token } = await grantFor(sim.aeUrl, clock);

      expect(accepted((await fulfilOnTop(String(token))).json())).toBe(true);
      clock = T0 + ACCESS_TTL;
      expect(errorOf(await fulfilOnTop(String(token)))).toMatchObject({ code: 27, msg: 'Invalid Session' });
    });

    it('leave seeded sessions valid on both gateways, whatever the clock', async () => {
      clock = T0 + 400 * DAY;

      expect(accepted((await fulfilWith(TEST_APP.session)).json())).toBe(true);
      expect(accepted((await fulfilOnTop(TEST_APP.session)).json())).toBe(true);
    });
  });

  describe('token lifetimes', () => {
    type TokensView = {
      access_ttl_seconds: number;
      refresh_ttl_seconds: number;
      tokens: { kind: string; seller_nick: string; expires_at: string; status: string; grant: number }[];
    };
    const tokensView = async () => (await simControl(sim, 'GET', '/_sim/tokens')).body as TokensView;

    it('are set at start by accessTtlMs and refreshTtlMs', async () => {
      expect(await tokensView()).toMatchObject({ access_ttl_seconds: 3600, refresh_ttl_seconds: 2 * 86400 });
    });

    it('are set at run time by POST /_sim/tokens, for tokens issued after', async () => {
      const before = await grantFor(sim.aeUrl, clock);
      const set = await simControl(sim, 'POST', '/_sim/tokens', {
        access_ttl_seconds: 40,
        refresh_ttl_seconds: 90,
      });
      const after = await grantFor(sim.aeUrl, clock);

      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ access_ttl_seconds: 40, refresh_ttl_seconds: 90 });
      expect(before).toMatchObject({ expires_in: 3600 });
      expect(after).toMatchObject({ expires_in: 40, refresh_expires_in: 90, expire_time: T0 + 40 * SECOND });
      clock = T0 + 40 * SECOND;
      expect(errorOf(await fulfilWith(String(after.access_token))).code).toBe('IllegalAccessToken');
      expect(accepted((await fulfilWith(String(before.access_token))).json())).toBe(true);
    });

    it.each([
      { what: 'a zero lifetime', body: { access_ttl_seconds: 0 } },
      { what: 'a negative lifetime', body: { refresh_ttl_seconds: -5 } },
      { what: 'a lifetime as text', body: { access_ttl_seconds: '40' } },
      { what: 'an unknown field', body: { access_ttl: 40 } },
      { what: 'a body that is not JSON', body: 'forty' },
    ])('refuses $what with 400 and keeps the lifetimes', async ({ body }) => {
      const answer = await simControl(sim, 'POST', '/_sim/tokens', body);

      expect(answer.status).toBe(400);
      expect(await tokensView()).toMatchObject({ access_ttl_seconds: 3600, refresh_ttl_seconds: 2 * 86400 });
    });

    it('lists issued tokens on GET /_sim/tokens with seller, expiry and status, never their values', async () => {
      sim.tokens.setTtls({ accessTtlMs: 60 * SECOND, refreshTtlMs: 600 * SECOND });
      const first = await grantFor(sim.aeUrl, clock, 'listed-shop');
      clock = T0 + 90 * SECOND;
      const second = (await refresh(String(first.refresh_token))).json();
      const view = await tokensView();
      const mine = view.tokens.filter((t) => t.seller_nick === 'listed-shop');

      expect(mine.map(({ kind, status, expires_at }) => ({ kind, status, expires_at }))).toEqual([
        { kind: 'access', status: 'expired', expires_at: new Date(T0 + 60 * SECOND).toISOString() },
        { kind: 'refresh', status: 'used', expires_at: new Date(T0 + 600 * SECOND).toISOString() },
        { kind: 'access', status: 'active', expires_at: new Date(clock + 60 * SECOND).toISOString() },
        { kind: 'refresh', status: 'active', expires_at: new Date(T0 + 600 * SECOND).toISOString() },
      ]);
      expect(new Set(mine.map((t) => t.grant)).size).toBe(1);
      const text = JSON.stringify(view);
      for (const token of [
        first.access_token,
        first.refresh_token,
        second.access_token,
        second.refresh_token,
      ])
        expect(text).not.toContain(String(token));
    });
  });
});
