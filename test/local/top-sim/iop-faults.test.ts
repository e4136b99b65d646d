import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '#local/top-sim/faults.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { simControl } from '#test/helpers/top-raw.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';
import {
  CREATE,
  codeFor,
  errorOf,
  FULFILL,
  postRest,
  postSync,
  postTop,
  type RawAnswer,
  restFields,
  syncFields,
  topFields,
} from './iop-raw.ts';

const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const shipment = { service_name: 'EMS', out_ref: '9001', send_type: 'part', logistics_no: 'LA9CN' };

let clock = T0;
let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => clock });
});
afterEach(() => {
  clock = T0;
  sim.faults.set([]);
  sim.clearLedger();
});
afterAll(async () => {
  await sim.close();
});

const setFaults = async (faults: unknown) => {
  const answer = await simControl(sim, 'POST', '/_sim/faults', faults);
  expect(answer.status).toBe(200);
};
const syncFulfil = () =>
  postSync(sim.aeUrl, syncFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }));
const topFulfil = () =>
  postTop(sim.origin, topFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }));
/** The error code an answer carries, or 'ok' for a success envelope. */
const outcome = (answer: RawAnswer): string | number | undefined => {
  const body = answer.json();
  if ('aliexpress_solution_order_fulfill_response' in body || body.code === '0') return 'ok';
  const error = (body.error_response ?? body) as { code?: string | number };
  return error.code;
};

describe('the faults of the simulator on IOP', () => {
  it('answers an isp fault as type ISP ServiceTimeout when its sub_code says timeout, keeping it', async () => {
    await setFaults([{ type: 'isp', count: 1 }]);

    expect(errorOf(await syncFulfil())).toMatchObject({
      type: 'ISP',
      code: 'ServiceTimeout',
      sub_code: 'isp.top-remote-connection-timeout',
      sub_msg: expect.any(String),
      request_id: expect.any(String),
    });
    expect(sim.ledger).toEqual([]);
  });

  it('answers any other isp fault as type ISP ServiceUnavailable', async () => {
    await setFaults([
      { type: 'isp', sub_code: 'isp.remote-service-error', sub_msg: 'backend down', count: 1 },
    ]);

    expect(errorOf(await syncFulfil())).toMatchObject({
      type: 'ISP',
      code: 'ServiceUnavailable',
      sub_code: 'isp.remote-service-error',
      sub_msg: 'backend down',
    });
  });

  it('answers an injected error with a string code as given, type ISV unless it says', async () => {
    await setFaults([
      { type: 'error', code: 'AppWhiteIpLimit', msg: 'ip not allowed', count: 1 },
      { type: 'error', code: 'SystemBusy', error_type: 'SYSTEM', msg: 'busy', sub_code: 'x', count: 1 },
    ]);

    expect(errorOf(await syncFulfil())).toMatchObject({
      type: 'ISV',
      code: 'AppWhiteIpLimit',
      msg: 'ip not allowed',
    });
    expect(errorOf(await syncFulfil())).toMatchObject({ type: 'SYSTEM', code: 'SystemBusy', sub_code: 'x' });
  });

  it('writes an integer code as an integer, on IOP as on TOP, and a string code on TOP too', async () => {
    await setFaults([
      { type: 'error', code: 27, msg: 'Invalid Session', count: 1 },
      { type: 'error', code: 'IllegalAccessToken', msg: 'expired', protocols: ['top'], count: 1 },
    ]);

    expect(errorOf(await syncFulfil())).toMatchObject({ type: 'ISV', code: 27 });
    expect(errorOf(await topFulfil())).toEqual({
      code: 'IllegalAccessToken',
      msg: 'expired',
      request_id: expect.any(String),
    });
  });

  it('answers ApiCallLimit with the ban in msg and sub_msg once past qps, and lifts it after ban_seconds', async () => {
    await setFaults([{ type: 'rate_limit', qps: 2, ban_seconds: 3 }]);
    const outcomes = [];
    for (let i = 0; i < 2; i++) outcomes.push(outcome(await syncFulfil()));
    const banned = errorOf(await syncFulfil());
    clock = T0 + 1000;
    const later = errorOf(await syncFulfil());
    clock = T0 + 3000;
    outcomes.push(outcome(await syncFulfil()));

    expect(outcomes).toEqual(['ok', 'ok', 'ok']);
    expect(banned).toMatchObject({
      type: 'ISV',
      code: 'ApiCallLimit',
      msg: 'This ban will last for 3 more seconds',
      sub_msg: 'This ban will last for 3 more seconds',
    });
    expect(later).toMatchObject({ code: 'ApiCallLimit', sub_msg: 'This ban will last for 2 more seconds' });
  });

  it('drops the connection with reset, so the request rejects', async () => {
    await setFaults([{ type: 'reset', count: 1 }]);

    await expect(syncFulfil()).rejects.toThrow();
    expect(outcome(await syncFulfil())).toBe('ok');
    expect(sim.ledger).toHaveLength(1);
  });

  it('answers the given HTTP status with http', async () => {
    await setFaults([{ type: 'http', status: 503, count: 1 }]);
    const answer = await syncFulfil();

    expect(answer.status).toBe(503);
    expect(answer.text).toContain('503');
  });

  describe('on /rest calls', () => {
    it('matches a /rest call by its path in methods, and answers in the flat shape', async () => {
      await setFaults([{ type: 'isp', sub_code: 'isp.remote-service-error', methods: [CREATE], count: 1 }]);
      const code = await codeFor(sim.aeUrl);
      const faulted = await postRest(sim.aeUrl, CREATE, restFields({ code }, clock));

      expect(faulted.json()).toEqual({
        code: 'ServiceUnavailable',
        type: 'ISP',
        message: expect.any(String),
        sub_code: 'isp.remote-service-error',
        sub_msg: expect.any(String),
        request_id: expect.any(String),
      });
      expect(outcome(await syncFulfil())).toBe('ok');
      // The faulted call never reached the platform: the code is still good.
      expect(outcome(await postRest(sim.aeUrl, CREATE, restFields({ code }, clock)))).toBe('ok');
    });

    it('answers ApiCallLimit flat, the ban in message', async () => {
      await setFaults([{ type: 'rate_limit', qps: 1, ban_seconds: 5, methods: [CREATE] }]);
      await postRest(sim.aeUrl, CREATE, restFields({ code: await codeFor(sim.aeUrl) }, clock));
      const banned = await postRest(sim.aeUrl, CREATE, restFields({ code: await codeFor(sim.aeUrl) }, clock));

      expect(banned.json()).toMatchObject({
        code: 'ApiCallLimit',
        type: 'ISV',
        message: 'This ban will last for 5 more seconds',
      });
    });

    it('resets a /rest call with reset', async () => {
      await setFaults([{ type: 'reset', methods: [CREATE], count: 1 }]);

      await expect(postRest(sim.aeUrl, CREATE, restFields({ code: 'x' }, clock))).rejects.toThrow();
    });
  });

  describe('the protocols filter', () => {
    it.each([
      { protocols: ['iop'], iop: 'ServiceTimeout', top: 'ok' },
      { protocols: ['top'], iop: 'ok', top: 15 },
      { protocols: ['top', 'iop'], iop: 'ServiceTimeout', top: 15 },
    ])('hits only calls on $protocols', async ({ protocols, iop, top }) => {
      await setFaults([{ type: 'isp', protocols }]);

      expect(outcome(await syncFulfil())).toBe(iop);
      expect(outcome(await topFulfil())).toBe(top);
    });

    it('bans only the gateway a protocol-bound rate limit covers', async () => {
      await setFaults([{ type: 'rate_limit', qps: 1, ban_seconds: 2, protocols: ['iop'] }]);
      const outcomes = [];
      for (let i = 0; i < 2; i++) outcomes.push(outcome(await syncFulfil()), outcome(await topFulfil()));

      expect(outcomes).toEqual(['ok', 'ok', 'ApiCallLimit', 'ok']);
    });

    it('filters transport faults too', async () => {
      await setFaults([
        { type: 'http', status: 502, protocols: ['top'] },
        { type: 'reset', protocols: ['top'] },
      ]);

      expect(outcome(await syncFulfil())).toBe('ok');
      await expect(topFulfil()).rejects.toThrow();
    });

    it('is listed as given and refused when it names an unknown protocol', async () => {
      const faults: Fault[] = [{ type: 'latency', ms: 1, protocols: ['iop'] }];
      await setFaults(faults);

      expect((await simControl(sim, 'GET', '/_sim/faults')).body).toEqual(faults);
      expect(
        (await simControl(sim, 'POST', '/_sim/faults', [{ type: 'reset', protocols: ['soap'] }])).status,
      ).toBe(400);
      expect(
        (
          await simControl(sim, 'POST', '/_sim/faults', [
            { type: 'error', code: 'X', msg: 'm', error_type: 'OOPS' },
          ])
        ).status,
      ).toBe(400);
    });
  });

  it('counts calls per protocol on GET /_sim/stats, keeping the totals', async () => {
    type Stats = { requests: number; calls: number; callsByProtocol: { top: number; iop: number } };
    const before = (await simControl(sim, 'GET', '/_sim/stats')).body as Stats;
    await syncFulfil();
    await syncFulfil();
    await topFulfil();
    await postRest(sim.aeUrl, CREATE, restFields({ code: 'x' }, clock));
    const after = (await simControl(sim, 'GET', '/_sim/stats')).body as Stats;

    expect(after.callsByProtocol.iop - before.callsByProtocol.iop).toBe(3);
    expect(after.callsByProtocol.top - before.callsByProtocol.top).toBe(1);
    expect(after.calls - before.calls).toBe(4);
    expect(after.requests - before.requests).toBe(5);
    expect(sim.stats()).toMatchObject({ calls: after.calls, callsByProtocol: after.callsByProtocol });
  });
});
