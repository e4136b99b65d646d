import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopRateLimitedError, TopTransientError } from '#lib/top/errors.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { Fault } from '#local/top-sim/faults.ts';
import type { LedgerEntry, SimStats, TopSimulator } from '#local/top-sim/server.ts';
import { callFields, errorResponse, json200, postSigned, simControl } from '#test/helpers/top-raw.ts';
import {
  appCredentials,
  clientFor,
  sellerCredentials,
  startTestSimulator,
  TEST_APP,
} from '#test/helpers/top-sim.ts';

const FULFILL = 'aliexpress.solution.order.fulfill';
const SEND = 'tmall.ovs.delivery.order.info.send';
const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const shipment = { service_name: 'EMS', out_ref: '5001', send_type: 'part', logistics_no: 'LA5CN' } as const;

let clock = T0;
const now = () => clock;
let sim: TopSimulator;
let client: TopClient;

beforeAll(async () => {
  sim = await startTestSimulator({ now });
  client = clientFor(sim, { now });
});
afterEach(() => {
  sim.faults.set([]);
  sim.clearLedger();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

const setFaults = async (body: unknown) => {
  const answer = await simControl(sim, 'POST', '/_sim/faults', body);
  expect(answer.status).toBe(200);
  return answer.body as Fault[];
};
const listFaults = async () => (await simControl(sim, 'GET', '/_sim/faults')).body as Fault[];
const ledger = async () => (await simControl(sim, 'GET', '/_sim/ledger')).body as LedgerEntry[];
/** A raw, well-signed fulfilment (a part shipment, so it can be repeated) stamped with the shared clock. */
const rawFulfil = () =>
  postSigned(sim, callFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }));
const rawSend = (ticket: string) =>
  postSigned(
    sim,
    callFields(SEND, { param: JSON.stringify({ ticket_id: ticket, status: 'PACKAGING' }) }, { at: clock }),
  );
/** The error code a raw call answered with, or 'ok' for a success envelope. */
const outcome = async (response: Response): Promise<number | 'ok'> => {
  const body = await json200(response);
  const error = body.error_response as { code?: number } | undefined;
  return error ? (error.code ?? -1) : 'ok';
};

describe('the faults of the simulator', () => {
  describe('the /_sim/faults route', () => {
    it('replaces the faults with a posted list and lists them', async () => {
      await setFaults([{ type: 'latency', ms: 1 }]);
      const answered = await setFaults([
        { type: 'isp', count: 3 },
        { type: 'http', status: 503, methods: [SEND] },
      ]);

      expect(answered).toEqual([
        { type: 'isp', count: 3 },
        { type: 'http', status: 503, methods: [SEND] },
      ]);
      expect(await listFaults()).toEqual(answered);
    });

    it('takes { faults: [...] } as well as a bare list', async () => {
      await setFaults({ faults: [{ type: 'reset', count: 1 }] });

      expect(await listFaults()).toEqual([{ type: 'reset', count: 1 }]);
    });

    it('takes one fault on its own as a list of one', async () => {
      await setFaults([{ type: 'latency', ms: 1 }]);

      expect(await setFaults({ type: 'isp', count: 1 })).toEqual([{ type: 'isp', count: 1 }]);
      expect(await outcome(await rawFulfil())).toBe(15);
      expect(await outcome(await rawFulfil())).toBe('ok');
    });

    it('lists the remaining count as calls spend it', async () => {
      await setFaults([{ type: 'isp', count: 3 }]);
      await rawFulfil();

      expect(await listFaults()).toEqual([{ type: 'isp', count: 2 }]);
    });

    it('clears the faults on DELETE', async () => {
      await setFaults([{ type: 'isp' }]);

      expect(await simControl(sim, 'DELETE', '/_sim/faults')).toEqual({ status: 200, body: [] });
      expect(await listFaults()).toEqual([]);
      expect(await outcome(await rawFulfil())).toBe('ok');
    });

    it.each([
      { what: 'an unknown type', body: [{ type: 'meteor' }] },
      { what: 'an isp fault with a non-isp sub_code', body: [{ type: 'isp', sub_code: 'isv.oops' }] },
      { what: 'a rate above 1', body: [{ type: 'isp', rate: 1.5 }] },
      { what: 'a count of 0', body: [{ type: 'isp', count: 0 }] },
      { what: 'an HTTP status below 400', body: [{ type: 'http', status: 302 }] },
      { what: 'a field the fault does not have', body: [{ type: 'reset', ms: 5 }] },
      { what: 'an object without faults', body: { fault: [] } },
      { what: 'a body that is not JSON', body: 'isp please' },
    ])('answers 400 to $what and keeps the faults it had', async ({ body }) => {
      await setFaults([{ type: 'isp', count: 1 }]);
      const answer = await simControl(sim, 'POST', '/_sim/faults', body);

      expect(answer.status).toBe(400);
      expect(answer.body).toHaveProperty('error');
      expect(await listFaults()).toEqual([{ type: 'isp', count: 1 }]);
    });
  });

  describe('which calls a fault hits', () => {
    it('hits exactly the next N calls with count: N, then retires', async () => {
      await setFaults([{ type: 'isp', count: 2 }]);
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await outcome(await rawFulfil()));

      expect(outcomes).toEqual([15, 15, 'ok', 'ok']);
      expect(await listFaults()).toEqual([]);
    });

    it('does not spend the count on a call the gateway refused first', async () => {
      await setFaults([{ type: 'isp', count: 1 }]);
      await postSigned(sim, callFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }), {
        sign: 'BAD',
      });

      expect(await listFaults()).toEqual([{ type: 'isp', count: 1 }]);
    });

    it('hits only the listed methods', async () => {
      await setFaults([{ type: 'error', code: 27, msg: 'Invalid Session', methods: [FULFILL] }]);

      expect(await outcome(await rawFulfil())).toBe(27);
      expect(await outcome(await rawSend('T-M1'))).toBe('ok');
      expect(await outcome(await rawFulfil())).toBe(27);
    });

    it('answers an injected error with its sub_code and sub_msg', async () => {
      await setFaults([
        {
          type: 'error',
          code: 15,
          msg: 'Remote service error',
          sub_code: 'isv.order-not-exist',
          sub_msg: 'no',
        },
      ]);

      expect(await errorResponse(await rawFulfil())).toMatchObject({
        code: 15,
        msg: 'Remote service error',
        sub_code: 'isv.order-not-exist',
        sub_msg: 'no',
      });
    });

    it('answers an isp fault as code 15 with its sub_code', async () => {
      await setFaults([{ type: 'isp', sub_code: 'isp.remote-service-error', count: 1 }]);
      // A Tmall API: on TOP whatever protocol the client calls AliExpress' APIs over.
      const error = await sendDeliveryOrder(client, appCredentials, { ticket_id: 'T-ISP1' }).catch((e) => e);

      expect(error).toBeInstanceOf(TopTransientError);
      expect(error).toMatchObject({ code: 15, subCode: 'isp.remote-service-error' });
    });

    it('hits between 30% and 70% of 200 calls with rate 0.5, the same calls for the same seed', async () => {
      const pattern = async (target: TopSimulator): Promise<boolean[]> => {
        target.faults.set([{ type: 'isp', rate: 0.5 }]);
        const own = clientFor(target, { now });
        const hits: boolean[] = [];
        for (let i = 0; i < 200; i++) {
          const error = await sendDeliveryOrder(own, appCredentials, { ticket_id: `T-R${i}` }).catch(
            (e) => e,
          );
          hits.push(error instanceof TopTransientError);
        }
        return hits;
      };
      const twin = await startTestSimulator({ now, seed: 1 });
      const [first, second] = [await pattern(sim), await pattern(twin)];
      await twin.close();
      const hitCount = first.filter(Boolean).length;

      expect(hitCount).toBeGreaterThanOrEqual(60);
      expect(hitCount).toBeLessThanOrEqual(140);
      expect(second).toEqual(first);
      expect(sim.ledger).toHaveLength(200 - hitCount);
    });
  });

  describe('rate_limit', () => {
    it('lets qps calls through in a second, then bans every call for ban_seconds', async () => {
      clock = T0;
      await setFaults([{ type: 'rate_limit', qps: 3, ban_seconds: 2 }]);
      const call = () => fulfillOrder(client, sellerCredentials, shipment);
      for (let i = 0; i < 3; i++) {
        clock = T0 + i * 300;
        expect((await call()).response.result?.result_success).toBe(true);
      }

      clock = T0 + 900;
      const banned = await errorResponse(await rawFulfil());
      expect(banned).toMatchObject({
        code: 7,
        sub_code: expect.stringMatching(/^accesscontrol\./),
        sub_msg: 'This ban will last for 2 more seconds',
      });

      clock = T0 + 2000;
      const during = await call().catch((e) => e);
      expect(during).toBeInstanceOf(TopRateLimitedError);
      expect(during.subMsg).toBe('This ban will last for 1 more seconds');
      expect(await outcome(await rawSend('T-RL1'))).toBe(7);

      clock = T0 + 2900;
      for (let i = 0; i < 3; i++) expect((await call()).response.result?.result_success).toBe(true);
      expect(await outcome(await rawFulfil())).toBe(7);
      expect(sim.ledger).toHaveLength(6);
    });

    it('counts in its stats the calls it answered with the ban, beside the calls it ran', async () => {
      clock = T0;
      await setFaults([{ type: 'rate_limit', qps: 2, ban_seconds: 1 }]);
      const before = (await simControl(sim, 'GET', '/_sim/stats')).body as SimStats;
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await outcome(await rawFulfil()));
      sim.clearLedger();

      const after = (await simControl(sim, 'GET', '/_sim/stats')).body as SimStats;
      expect(outcomes).toEqual(['ok', 'ok', 7, 7]);
      expect(after.rateLimited - before.rateLimited).toBe(2);
      expect(after.executed - before.executed).toBe(2);
      expect(after.calls - before.calls).toBe(4);
    });

    it('lets qps calls through in every second', async () => {
      clock = T0;
      await setFaults([{ type: 'rate_limit', qps: 2 }]);
      const outcomes = [];
      for (let i = 0; i < 6; i++) {
        clock = T0 + i * 500;
        outcomes.push(await outcome(await rawFulfil()));
      }

      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    });

    it('counts only the listed methods against the limit', async () => {
      clock = T0;
      await setFaults([{ type: 'rate_limit', qps: 1, methods: [FULFILL] }]);

      expect(await outcome(await rawSend('T-RL2'))).toBe('ok');
      expect(await outcome(await rawSend('T-RL3'))).toBe('ok');
      expect(await outcome(await rawFulfil())).toBe('ok');
      expect(await outcome(await rawFulfil())).toBe(7);
    });
  });

  describe('transport faults', () => {
    it('drops the connection with reset, so fetch rejects', async () => {
      await setFaults([{ type: 'reset', count: 1 }]);

      await expect(rawFulfil()).rejects.toThrow(TypeError);
      expect(await outcome(await rawFulfil())).toBe('ok');
    });

    it('answers the given HTTP status with http', async () => {
      await setFaults([{ type: 'http', status: 503, count: 1 }]);
      const response = await rawFulfil();

      expect(response.status).toBe(503);
      expect(await response.text()).toContain('503');
    });

    it('answers 502 with http and no status', async () => {
      await setFaults([{ type: 'http', count: 1 }]);

      expect((await rawFulfil()).status).toBe(502);
    });

    it('delays the answer by ms with latency', async () => {
      await setFaults([{ type: 'latency', ms: 150, count: 1 }]);
      const started = performance.now();
      const slow = await outcome(await rawFulfil());
      const slowMs = performance.now() - started;
      const quickStarted = performance.now();
      await rawFulfil();
      const quickMs = performance.now() - quickStarted;

      expect(slow).toBe('ok');
      expect(slowMs).toBeGreaterThanOrEqual(145);
      expect(quickMs).toBeLessThan(145);
    });

    it('sends the headers and stalls the body with latency phase body', async () => {
      await setFaults([{ type: 'latency', ms: 150, phase: 'body', count: 1 }]);
      const started = performance.now();
      const response = await rawFulfil();
      const headersMs = performance.now() - started;
      const body = await json200(response);
      const totalMs = performance.now() - started;

      expect(headersMs).toBeLessThan(145);
      expect(totalMs).toBeGreaterThanOrEqual(145);
      expect(body).toHaveProperty('aliexpress_solution_order_fulfill_response.result.result_success', true);
    });
  });

  it('never lets a faulted call reach the ledger', async () => {
    clock = T0;
    const faults: Fault[][] = [
      [{ type: 'isp' }],
      [{ type: 'error', code: 10, msg: 'Service Currently Unavailable' }],
      [{ type: 'http', status: 500 }],
      [{ type: 'reset' }],
      [{ type: 'rate_limit', qps: 1 }],
    ];
    for (const list of faults) {
      await setFaults(list);
      await rawFulfil().catch(() => undefined);
      await rawFulfil().catch(() => undefined);
    }
    expect(await ledger()).toHaveLength(1);
    expect((await ledger())[0]).toMatchObject({ method: FULFILL, params: shipment });
  });
});

describe('the control routes of the simulator', () => {
  it('lists the accepted calls on GET /_sim/ledger and empties it on DELETE', async () => {
    const body = await json200(await rawFulfil());
    const requestId = (body.aliexpress_solution_order_fulfill_response as { request_id: string }).request_id;

    expect(await ledger()).toEqual([
      {
        method: FULFILL,
        params: shipment,
        at: new Date(clock).toISOString(),
        request_id: requestId,
        protocol: 'top',
      },
    ]);
    expect(await simControl(sim, 'DELETE', '/_sim/ledger')).toEqual({ status: 200, body: [] });
    expect(await ledger()).toEqual([]);
  });

  it('counts HTTP requests, API calls and connections on GET /_sim/stats', async () => {
    type Stats = { connections: number; requests: number; calls: number };
    const before = (await simControl(sim, 'GET', '/_sim/stats')).body as Stats;
    await rawFulfil();
    await rawSend('T-S1');
    const after = (await simControl(sim, 'GET', '/_sim/stats')).body as Stats;

    expect(after.requests - before.requests).toBe(3);
    expect(after.calls - before.calls).toBe(2);
    expect(after.connections).toBeGreaterThanOrEqual(before.connections);
    expect(after.connections).toBeGreaterThan(0);
  });

  it('answers 404 to an unknown /_sim route, and to anything but POST /router/rest', async () => {
    expect(await simControl(sim, 'GET', '/_sim/nothing')).toEqual({
      status: 404,
      body: { error: 'no route GET /_sim/nothing' },
    });
    expect((await simControl(sim, 'POST', '/_sim/ledger', [])).status).toBe(404);
    expect((await fetch(sim.url)).status).toBe(404);
    expect((await fetch(`${sim.origin}/elsewhere`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 413 to a body over 2 MiB', async () => {
    const fields = callFields(FULFILL, shipment, { session: TEST_APP.session, at: clock });
    const response = await postSigned(sim, fields, {
      unsigned: { description: 'x'.repeat(2 * 1024 * 1024) },
    });

    expect(response.status).toBe(413);
    expect(await ledger()).toEqual([]);
  });

  it('accepts a body just under 2 MiB', async () => {
    const fields = callFields(FULFILL, shipment, { session: TEST_APP.session, at: clock });
    // A param the API does not declare: signed, then ignored.
    const padding = 'x'.repeat(2 * 1024 * 1024 - 1024);
    const response = await postSigned(sim, { ...fields, padding });

    expect(await outcome(response)).toBe('ok');
  });
});
