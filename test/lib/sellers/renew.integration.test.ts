import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SellersHarness, sellersHarness } from '#test/helpers/sellers-harness.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { appCredentials, clientFor } from '#test/helpers/top-sim.ts';
import { captureStdout, loudTelemetry } from '#test/helpers/webhook-harness.ts';

// One clock for the platform (token lifetimes), our stores and the renewal: time moves by hand.
// (Starts at the real time: the client signs with the real clock, and IOP allows it 2 hours apart.)
let clock = { now: Date.now() };
const simLog: string[] = [];
const parts = useTestParts({
  now: () => clock.now,
  accessTtlMs: 40_000,
  refreshTtlMs: 400_000,
  log: (line) => simLog.push(line),
});

// Each test has its own sellers (tables and secrets), on a clock that goes on from the last test's.
let h: SellersHarness;
beforeEach(async () => {
  h = await sellersHarness(parts, { overrides: loudTelemetry('token-renewal') });
  h.clock.now = clock.now;
  clock = h.clock;
});
// The renewal's telemetry prints (its metrics are read below): every test keeps both streams to itself.
let stdout: ReturnType<typeof captureStdout>;
let stderr: string[];
let stderrSpy: { mockRestore(): void };
beforeEach(() => {
  stdout = captureStdout();
  stderr = [];
  stderrSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  stdout.restore();
  stderrSpy.mockRestore();
  await h.close();
});

/** The value of `metric` in the EMF lines printed so far (the last one printed). */
const lastMetric = (lines: string[], metric: string): number | undefined =>
  lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record._aws !== undefined && metric in record)
    .map((record) => record[metric] as number)
    .at(-1);

/** Runs the renewal every 5 s until `until` (epoch ms on the shared clock), with stdout captured. */
async function renewUntil(until: number) {
  const outcomes = { renewed: 0, failed: 0, reauthorize: 0 };
  while (clock.now < until) {
    clock.now += 5_000;
    const result = await h.renew();
    outcomes.renewed += result.outcomes.renewed;
    outcomes.failed += result.outcomes.failed;
    outcomes.reauthorize += result.outcomes.reauthorize;
  }
  return outcomes;
}

const refreshCalls = () => parts.sim.ledger.filter((entry) => entry.method === '/auth/token/refresh');
const platformSellerOf = async (sellerId: string) =>
  (await h.sellers.registry.get(sellerId))?.authorization?.platform_seller_id;

describe('renewing sellers’ tokens', () => {
  it('keeps every call on a valid token across 3 minutes of traffic, renewing each token at about half its life', async () => {
    const page = await h.authorize('shop-auth');
    expect(page.status).toBe(200);
    const platformSeller = await platformSellerOf('shop-auth');
    const renewedAfter: number[] = [];
    let fulfilments = 0;

    for (let second = 1; second <= 180; second++) {
      clock.now += 1_000;
      if (second % 5 === 0) {
        const before = (await h.sellers.registry.get('shop-auth'))?.authorization;
        const { outcomes } = await h.renew();
        expect(outcomes).toMatchObject({ failed: 0, reauthorize: 0 });
        if (outcomes.renewed > 0 && before) renewedAfter.push(clock.now - before.tokens_issued_at);
      }
      const response = await h.fulfil('shop-auth', String(7_000_000 + second));
      expect(response.status).toBe(200);
      fulfilments += 1;
    }

    // Each 40 s token was renewed at its half-life, give or take the 5 s between runs.
    expect(renewedAfter.length).toBeGreaterThanOrEqual(7);
    for (const age of renewedAfter) {
      expect(age).toBeGreaterThanOrEqual(20_000);
      expect(age).toBeLessThan(25_000);
    }
    // Each refresh token was spent once: the platform refused none and renewed as often as we asked.
    expect(refreshCalls()).toHaveLength(renewedAfter.length);
    expect(simLog.filter((line) => /IllegalAccessToken|IllegalRefreshToken/.test(line))).toEqual([]);
    // Every fulfilment went over IOP with a token the platform had issued to this seller.
    const fulfils = parts.sim.ledger.filter((entry) => entry.method === 'aliexpress.solution.order.fulfill');
    expect(fulfils).toHaveLength(fulfilments);
    expect(new Set(fulfils.map((entry) => `${entry.protocol} ${entry.seller_id}`))).toEqual(
      new Set([`iop ${platformSeller}`]),
    );
  });

  it('turns the seller REAUTHORIZE_SOON in the refresh token’s last quarter, then REAUTHORIZE at its end, with their metrics', async () => {
    expect((await h.authorize('shop-life')).status).toBe(200);
    const authorizedAt = clock.now;

    // 400 s refresh tokens: the last quarter starts 300 s after the authorization.
    await renewUntil(authorizedAt + 295_000);
    expect((await h.view('shop-life')).status).toBe('ACTIVE');
    expect(lastMetric(stdout.lines(), 'SellersReauthorizeSoon')).toBe(0);

    await renewUntil(authorizedAt + 305_000);
    expect((await h.view('shop-life')).status).toBe('REAUTHORIZE_SOON');
    expect(lastMetric(stdout.lines(), 'SellersReauthorizeSoon')).toBe(1);
    expect(lastMetric(stdout.lines(), 'SellersReauthorize')).toBe(0);

    // Renewals go on until the refresh token's end, which no renewal moves.
    const late = await renewUntil(authorizedAt + 405_000);
    expect(late.renewed).toBeGreaterThan(0);
    expect(late.reauthorize).toBe(1);
    const ended = await h.view('shop-life');
    expect(ended.status).toBe('REAUTHORIZE');
    expect(Date.parse(String(ended.refresh_token_expires_at))).toBe(authorizedAt + 400_000);
    expect(lastMetric(stdout.lines(), 'SellersReauthorize')).toBe(1);
    expect(lastMetric(stdout.lines(), 'SellersReauthorizeSoon')).toBe(0);
    expect(lastMetric(stdout.lines(), 'SellersTurnedReauthorize')).toBe(0);
  });

  it('refreshes a seller once when two renewal runs meet', async () => {
    expect((await h.authorize('shop-twice')).status).toBe(200);
    clock.now += 21_000;

    const [first, second] = await Promise.all([h.renew(), h.renew()]);

    expect(refreshCalls()).toHaveLength(1);
    expect(first.outcomes.renewed + second.outcomes.renewed).toBe(1);
    expect(first.outcomes.failed + second.outcomes.failed).toBe(0);
    expect((await h.view('shop-twice')).last_refreshed_at).toBe(new Date(clock.now).toISOString());
  });

  it('keeps using the current token while a renewal fails for a passing reason, and renews at the next run', async () => {
    expect((await h.authorize('shop-flaky')).status).toBe(200);
    clock.now += 21_000;
    parts.sim.faults.set([{ type: 'http', status: 502, methods: ['/auth/token/refresh'], count: 1 }]);

    expect((await h.renew()).outcomes).toMatchObject({ failed: 1, renewed: 0 });
    const failed = await h.view('shop-flaky');
    expect(failed).toMatchObject({ status: 'ACTIVE', last_refreshed_at: null });
    expect(failed.last_error).toMatchObject({ code: expect.any(String) });
    expect((await h.fulfil('shop-flaky', '8100001')).status).toBe(200);

    clock.now += 5_000;
    expect((await h.renew()).outcomes).toMatchObject({ failed: 0, renewed: 1 });
    expect(await h.view('shop-flaky')).toMatchObject({ status: 'ACTIVE', last_error: null });
    expect((await h.fulfil('shop-flaky', '8100002')).status).toBe(200);
  });

  it('marks the seller REAUTHORIZE when the platform refuses its refresh token, and its work waits for a new authorization', async () => {
    expect((await h.authorize('shop-refused')).status).toBe(200);
    // Someone else spends the seller's refresh token: ours is refused from now on.
    const tokens = await h.sellers.vault.read('shop-refused');
    await clientFor(parts.sim).rest(
      '/auth/token/refresh',
      { refresh_token: tokens?.refresh_token ?? '' },
      appCredentials,
    );
    clock.now += 21_000;

    expect((await h.renew()).outcomes).toMatchObject({ reauthorize: 1, renewed: 0 });
    const refused = await h.view('shop-refused');
    expect(refused).toMatchObject({ status: 'REAUTHORIZE', last_error: { code: 'IllegalRefreshToken' } });
    expect(lastMetric(stdout.lines(), 'SellersTurnedReauthorize')).toBe(1);
    expect(lastMetric(stdout.lines(), 'SellersReauthorize')).toBe(1);

    // The current token is used while it lasts; after its end the seller's work waits (PENDING_RETRY).
    expect((await h.fulfil('shop-refused', '8200001')).status).toBe(200);
    clock.now += 20_000;
    const waiting = await h.fulfil('shop-refused', '8200002');
    expect(waiting.status).toBe(202);
    expect(waiting.body).toMatchObject({ status: 'PENDING_RETRY', last_error: { kind: 'auth' } });

    // A new authorization: the seller is ACTIVE again, and the waiting fulfilment goes through.
    expect((await h.authorize('shop-refused')).status).toBe(200);
    expect(await h.view('shop-refused')).toMatchObject({ status: 'ACTIVE', last_error: null });
    expect(lastMetric(stdout.lines(), 'SellersReauthorize')).toBe(1);
    // Past the retry's wait (RETRY_BASE_SECONDS=10 in the harness), within the new token's life.
    clock.now += 15_000;
    await h.sweep();
    const settled = await h.getOperation(String(waiting.body.operation_id));
    expect(settled.body).toMatchObject({ status: 'SUCCEEDED' });
    await h.renew();
    expect(lastMetric(stdout.lines(), 'SellersReauthorize')).toBe(0);
  });

  it('writes no token, code or state into a log line or an answer', async () => {
    const secrets = new Set<string>();
    const keep = async () => {
      const tokens = await h.sellers.vault.read('shop-quiet');
      if (tokens) secrets.add(tokens.access_token).add(tokens.refresh_token);
    };
    const answers: string[] = [];

    const back = await h.consent(await h.link('shop-quiet'), 'nick-quiet');
    for (const name of ['code', 'state']) secrets.add(back.searchParams.get(name) ?? '');
    answers.push((await h.callbackWith(Object.fromEntries(back.searchParams))).raw);
    // The same callback again (refused), and a renewal that fails then one that succeeds.
    answers.push((await h.callbackWith(Object.fromEntries(back.searchParams))).raw);
    await keep();
    clock.now += 21_000;
    parts.sim.faults.set([{ type: 'http', status: 502, methods: ['/auth/token/refresh'], count: 1 }]);
    await h.renew();
    clock.now += 5_000;
    await h.renew();
    await keep();
    answers.push((await h.fulfil('shop-quiet', '8300001')).raw);
    answers.push(JSON.stringify(await h.view('shop-quiet')));

    expect(secrets.size).toBe(6);
    // The failed renewal was logged (a warning, on stderr): the check below reads both streams.
    expect(stderr.join('')).toContain('token renewal failed');
    const printed = [...stdout.lines(), ...stderr].join('\n');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(printed).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    expect(printed).not.toMatch(/access_token|refresh_token/);
  });
});
