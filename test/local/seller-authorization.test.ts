import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SELLER_TOKENS_PREFIX } from '#local/function-env.ts';
import { runSend } from '#local/send.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { type LocalStackProcess, startLocalStack } from '#test/helpers/local-stack.ts';

// "The whole dance through `npm start`": the operator hands out a link, the seller consents on the
// platform (the in-process simulator), the callback stores the tokens, and the seller's next
// fulfilment goes to AliExpress with them. Each stack is a child process, as `npm start` runs.

const CONTROL = /^ {2}control {6}(http:\/\/127\.0\.0\.1:\d+)\/_sim\//;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// 256 random bits, base64url without padding.
const STATE = /^[A-Za-z0-9_-]{43}$/;
// A line that writes a token field with a value, in JSON or as a query/form field.
const TOKEN_FIELD = /"?(access_token|refresh_token)"?\s*[:=]\s*"?[A-Za-z0-9_-]{6,}/;

// Neither is a seller of TOP_SESSION (`shop-1`): only its authorization lets the stack call for it.
const SELLER = 'acme-store.eu_1';
const NICK = 'acme-nick';

let workDir: string;
let dataDir: string;
const started: LocalStackProcess[] = [];

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'local-sellers-'));
  dataDir = join(workDir, 'data');
  await mkdir(dataDir);
});

afterEach(async () => {
  for (const stack of started.splice(0)) await stack.stop();
  await rm(workDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<LocalStackProcess> {
  // The functions' log lines at INFO, whatever the test environment says: what they print is checked.
  const stack = await startLocalStack({ dataDir, env: { POWERTOOLS_LOG_LEVEL: 'INFO', ...env } });
  started.push(stack);
  return stack;
}

/** The simulator's control origin, from the start lines (printed just after `listening on`). */
async function controlOf(stack: LocalStackProcess): Promise<string> {
  for (const deadline = Date.now() + 5_000; ; await sleep(20)) {
    const origin = stack.lines.map((line) => CONTROL.exec(line)?.[1]).find(Boolean);
    if (origin) return origin;
    if (Date.now() > deadline) throw new Error(`no control line in\n${stack.lines.join('\n')}`);
  }
}

interface LedgerRow {
  readonly method: string;
  readonly protocol: string;
  readonly params: Record<string, unknown>;
  readonly seller_id?: string;
}

interface TokenRow {
  readonly grant: number;
  readonly kind: 'access' | 'refresh';
  readonly seller_nick: string;
  readonly seller_id: string;
  readonly status: string;
}

const ledger = async (stack: LocalStackProcess) =>
  (await (await fetch(`${await controlOf(stack)}/_sim/ledger`)).json()) as LedgerRow[];
const simTokens = async (stack: LocalStackProcess) =>
  ((await (await fetch(`${await controlOf(stack)}/_sim/tokens`)).json()) as { tokens: TokenRow[] }).tokens;

async function sellerView(stack: LocalStackProcess, sellerId = SELLER) {
  const response = await fetch(`${stack.url}/sellers/${sellerId}`);
  const raw = await response.text();
  return { status: response.status, raw, body: JSON.parse(raw) as Record<string, unknown> };
}

/** Every token value the stack ever wrote for the seller: each version of its secret, read off the disk. */
async function storedTokenValues(sellerId = SELLER): Promise<string[]> {
  const dir = join(dataDir, 'secrets');
  const values: string[] = [];
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.json')) continue;
    const secret = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
      name: string;
      versions: { secretString?: string }[];
    };
    if (secret.name !== `${SELLER_TOKENS_PREFIX}${sellerId}`) continue;
    for (const version of secret.versions) {
      const tokens = JSON.parse(version.secretString ?? '{}') as Record<string, unknown>;
      for (const key of ['access_token', 'refresh_token']) {
        if (typeof tokens[key] === 'string') values.push(tokens[key]);
      }
    }
  }
  return values;
}

interface Dance {
  /** The platform's consent page, as the operator route redirects to it. */
  readonly consent: URL;
  /** Where the platform sends the browser back: the callback with the code and the state. */
  readonly callback: URL;
  readonly code: string;
  readonly state: string;
  readonly page: { readonly status: number; readonly headers: Headers; readonly text: string };
}

/** Steps 1–3: the operator's link, the seller's consent on the simulator, the callback. */
async function authorize(stack: LocalStackProcess, sellerId = SELLER, nick = NICK): Promise<Dance> {
  const link = await fetch(`${stack.url}/sellers/${sellerId}/authorize`, { redirect: 'manual' });
  expect(link.status).toBe(302);
  expect(link.headers.get('cache-control')).toBe('no-store');
  const consent = new URL(link.headers.get('location') ?? '');

  const consented = await fetch(`${consent.href}&sim_seller=${nick}`, { redirect: 'manual' });
  expect(consented.status).toBe(302);
  const callback = new URL(consented.headers.get('location') ?? '');
  const code = callback.searchParams.get('code') ?? '';
  const state = callback.searchParams.get('state') ?? '';

  const answer = await fetch(callback);
  const page = { status: answer.status, headers: answer.headers, text: await answer.text() };
  return { consent, callback, code, state, page };
}

describe('seller authorization through npm start', () => {
  it('links, consents, calls back and ships for the seller with its own token over IOP; a reused callback is refused and changes nothing; no code, state or token is ever printed', async () => {
    const stack = await start();
    const control = await controlOf(stack);

    const dance = await authorize(stack);

    // 1. The operator route: the simulator's consent page, with every parameter the platform needs.
    expect(dance.consent.origin).toBe(control);
    expect(dance.consent.pathname).toBe('/oauth/authorize');
    expect([...dance.consent.searchParams.keys()].sort()).toEqual([
      'client_id',
      'force_auth',
      'redirect_uri',
      'response_type',
      'state',
    ]);
    expect(Object.fromEntries(dance.consent.searchParams)).toEqual({
      response_type: 'code',
      force_auth: 'true',
      // No AE_APP_KEY: the TOP app's key serves AliExpress too.
      client_id: LOCAL_DEFAULTS.TOP_APP_KEY,
      redirect_uri: `${stack.url}/oauth/callback`,
      state: expect.stringMatching(STATE),
    });

    // 2. The platform sends the browser back with a code and our state, untouched.
    expect(`${dance.callback.origin}${dance.callback.pathname}`).toBe(`${stack.url}/oauth/callback`);
    expect(dance.state).toBe(dance.consent.searchParams.get('state'));
    expect(dance.code).not.toBe('');

    // 3. The callback: a page naming the seller and its platform id, and nothing else of the grant.
    const issued = (await simTokens(stack)).filter((row) => row.seller_nick === NICK);
    expect(issued.map((row) => `${row.kind} ${row.status}`).sort()).toEqual([
      'access active',
      'refresh active',
    ]);
    const platformSellerId = issued[0]?.seller_id ?? '';
    expect(dance.page.status).toBe(200);
    expect(dance.page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(dance.page.headers.get('cache-control')).toBe('no-store');
    expect(dance.page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(dance.page.text).toContain('Seller connected');
    expect(dance.page.text).toContain(SELLER);
    expect(dance.page.text).toContain(platformSellerId);
    const tokens = await storedTokenValues();
    expect(tokens).toHaveLength(2);
    for (const value of [...tokens, dance.code, dance.state]) expect(dance.page.text).not.toContain(value);

    // 4. The operator's view: ACTIVE, with its dates, never a token.
    const view = await sellerView(stack);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({
      seller_id: SELLER,
      platform_seller_id: platformSellerId,
      status: 'ACTIVE',
      access_token_expires_at: expect.stringMatching(ISO),
      refresh_token_expires_at: expect.stringMatching(ISO),
      authorized_at: expect.stringMatching(ISO),
      last_refreshed_at: null,
      last_error: null,
      authorize_url: `${stack.url}/sellers/${SELLER}/authorize`,
    });
    const authorizedAt = Date.parse(String(view.body.authorized_at));
    // The platform's 30 and 60 days, counted from the authorization.
    expect(Date.parse(String(view.body.access_token_expires_at)) - authorizedAt).toBeGreaterThan(
      29 * 86_400_000,
    );
    expect(Date.parse(String(view.body.refresh_token_expires_at)) - authorizedAt).toBeGreaterThan(
      59 * 86_400_000,
    );
    for (const value of tokens) expect(view.raw).not.toContain(value);

    // 5. A fulfilment for the seller goes to AliExpress over IOP, with the seller's own access token.
    const example = JSON.parse(await readFile('examples/storefront-fulfillment.json', 'utf8')) as {
      fulfillment: Record<string, unknown>;
    };
    const file = join(workDir, 'fulfilment.json');
    await writeFile(file, JSON.stringify({ seller_id: SELLER, fulfillment: example.fulfillment }));
    const out: string[] = [];
    const code = await runSend(['storefront', file, '--url', stack.url, '--id', 'msg_seller_auth_1'], {
      env: {},
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code, out.join('\n')).toBe(0);
    expect(out).toContain('200 OK');

    const calls = await ledger(stack);
    expect(calls.map((call) => `${call.protocol} ${call.method}`)).toEqual([
      'iop /auth/token/create',
      'iop aliexpress.solution.order.fulfill',
    ]);
    // The simulator names the platform seller whose issued token authorized the call: this seller's.
    expect(calls[1]).toMatchObject({
      protocol: 'iop',
      method: 'aliexpress.solution.order.fulfill',
      params: { out_ref: example.fulfillment.out_ref, logistics_no: example.fulfillment.logistics_no },
      seller_id: platformSellerId,
    });
    // The access token issued at the callback is still the one in use (no other grant, nothing spent).
    expect((await simTokens(stack)).filter((row) => row.seller_nick === NICK)).toEqual(issued);

    // 6. The callback again (a reload, a replayed URL): refused, the platform not asked, nothing changed.
    const again = await fetch(dance.callback);
    const againText = await again.text();
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(againText).toContain('was already used');
    expect((await sellerView(stack)).raw).toBe(view.raw);
    expect(await ledger(stack)).toHaveLength(2);
    expect(await storedTokenValues()).toEqual(tokens);

    // 7. What the stack printed, to its very last line: never the code, the state or a token.
    expect(await stack.stop()).toBe(0);
    const printed = [...stack.lines, ...stack.stderr().split('\n')];
    // The functions did log (the check below is not vacuous): the authorization, by seller id only.
    expect(printed.some((line) => line.includes('seller authorized') && line.includes(SELLER))).toBe(true);
    expect(printed.some((line) => line.includes('GET /oauth/callback 200'))).toBe(true);
    for (const line of printed) {
      for (const value of [dance.code, dance.state, ...tokens]) expect(line).not.toContain(value);
      expect(line).not.toMatch(TOKEN_FIELD);
    }
    // Nor does the ledger keep the code it exchanged.
    expect(JSON.stringify(calls)).not.toContain(dance.code);
  }, 40_000);

  it('renews the seller’s 6-second access token at its half-life, by the schedule alone', async () => {
    const stack = await start({ TOP_SIM_ACCESS_TTL_SECONDS: '6', SCHEDULE_INTERVAL_SECONDS: '1' });
    const dance = await authorize(stack);
    expect(dance.page.status).toBe(200);
    const before = (await sellerView(stack)).body;
    expect(before.last_refreshed_at).toBeNull();
    const authorizedAt = Date.parse(String(before.authorized_at));
    expect(Date.parse(String(before.access_token_expires_at)) - authorizedAt).toBeLessThanOrEqual(6_000);

    // Due at 3 s, looked at every second: polled, for at most 9 s, without any other request.
    let after = before;
    const deadline = Date.now() + 9_000;
    while (after.last_refreshed_at === null && Date.now() < deadline) {
      await sleep(250);
      after = (await sellerView(stack)).body;
    }

    expect(after.last_refreshed_at, 'renewed within 9 s').toEqual(expect.stringMatching(ISO));
    const refreshedAt = Date.parse(String(after.last_refreshed_at));
    expect(refreshedAt - authorizedAt).toBeGreaterThanOrEqual(3_000);
    expect(after).toMatchObject({
      status: 'ACTIVE',
      last_error: null,
      authorized_at: before.authorized_at,
      refresh_token_expires_at: before.refresh_token_expires_at,
    });
    expect(Date.parse(String(after.access_token_expires_at))).toBeGreaterThan(
      Date.parse(String(before.access_token_expires_at)),
    );
    // On the platform: the first grant's refresh token is spent, a new pair of the same grant issued.
    const rows = (await simTokens(stack)).filter((row) => row.seller_nick === NICK);
    expect(rows.filter((row) => row.kind === 'refresh').map((row) => row.status)).toEqual(
      expect.arrayContaining(['used', 'active']),
    );
    expect(new Set(rows.map((row) => row.grant)).size).toBe(1);
  }, 40_000);
});
