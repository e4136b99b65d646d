import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { queryLogisticsOrder } from '#lib/top/apis/query-logistics-order.ts';
import { type DeliveryOrderSendRequest, sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import type { TopClientConfig } from '#lib/top/client.ts';
import {
  TopAuthError,
  TopBusinessError,
  TopPermanentError,
  TopRateLimitedError,
  TopTimeoutError,
  TopTransientError,
  TopTransportError,
} from '#lib/top/errors.ts';
import type { Protocol } from '#lib/top/platform.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { Fault } from '#local/top-sim/faults.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { appCredentials, clientFor, sellerCredentials, startTestSimulator } from '#test/helpers/top-sim.ts';

/**
 * A call the client gave up on still runs at the simulator once its latency is over: wait for it, so
 * it lands in this test's ledger and not a later one's.
 */
const callTakenLate = () => vi.waitFor(() => expect(sim.ledger).toHaveLength(1), { timeout: 2_000 });

const shipment = {
  service_name: 'EMS',
  out_ref: '888877779999',
  send_type: 'part',
  logistics_no: 'LA88887777CN',
} as const;

let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterEach(() => {
  sim.faults.set([]);
  sim.clearLedger();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

// What each protocol answers where the two differ: TOP's numbered codes, IOP's named ones.
const ANSWERS = {
  top: {
    platformFault: 15,
    rateLimit: 7,
    badSession: 27,
    refusal: { code: 15, msg: 'Remote service error', sub_code: 'isv.order-not-exist' },
    invalidArguments: { code: 41, msg: 'Invalid Arguments' },
  },
  iop: {
    platformFault: 'ServiceTimeout',
    rateLimit: 'ApiCallLimit',
    badSession: 'IllegalAccessToken',
    refusal: {
      code: 'InvalidParameter',
      error_type: 'ISV',
      msg: 'Remote service error',
      sub_code: 'isv.order-not-exist',
    },
    invalidArguments: { code: 'InvalidParameter', error_type: 'ISV', msg: 'Invalid Arguments' },
  },
} as const satisfies Record<Protocol, unknown>;

// Everything below holds alike for AliExpress' APIs over IOP (the default) and over the TOP gateway.
describe.each(['iop', 'top'] as const)('TopClient against the simulator, AliExpress over %s', (protocol) => {
  const answers = ANSWERS[protocol];
  const clientOn = (target: TopSimulator, config: Partial<TopClientConfig> = {}) =>
    clientFor(target, { aeProtocol: protocol, ...config });

  describe('each API', () => {
    it('fulfils an order with the seller session and records exactly one call', async () => {
      const result = await fulfillOrder(clientOn(sim), sellerCredentials, shipment);

      expect(result.response.result?.result_success).toBe(true);
      expect(result.requestId).toBe(sim.ledger[0]?.request_id);
      expect(sim.ledger).toHaveLength(1);
      expect(sim.ledger[0]).toMatchObject({
        method: 'aliexpress.solution.order.fulfill',
        params: shipment,
        protocol,
      });
    });

    it('sends a delivery order without a session, the param object arriving field for field', async () => {
      const param: DeliveryOrderSendRequest = {
        ticket_id: 'T42353535',
        status: 'PACK_FINISH',
        weight: 2300,
        mail_company: '顺丰',
        package_list: [{ outer_package_id: 'P1', length: 20, width: 20, height: 20, weight: 1000 }],
      };
      const result = await sendDeliveryOrder(clientOn(sim), appCredentials, param);

      expect(result.response.result?.success).toBe(true);
      expect(sim.ledger.map((e) => e.params)).toEqual([param]);
      expect(sim.ledger[0]?.protocol).toBe('top');
    });

    it('queries a logistics order and keeps its 16-digit trade order id exact', async () => {
      const result = await queryLogisticsOrder(clientOn(sim), sellerCredentials, {
        logistics_order_id: 'BP10000000018002',
      });
      const order = result.response.data;

      expect(order?.logistics_order_id).toBe('BP10000000018002');
      expect(order?.trade_order_id).toMatch(/^9\d{15}$/);
      expect(order?.status).toBe('1');
      expect(Array.isArray(order?.products)).toBe(true);
      expect(order?.receipt_address?.cell_phone).toMatch(/^11\d{9}$/);
    });

    it('reads simplify=true bodies the same way', async () => {
      const plain = await queryLogisticsOrder(clientOn(sim), sellerCredentials, {
        logistics_order_id: 'BP7',
      });
      const simple = await queryLogisticsOrder(clientOn(sim, { simplify: true }), sellerCredentials, {
        logistics_order_id: 'BP7',
      });

      expect(simple.response.data).toEqual(plain.response.data);
    });
  });

  describe('error classes', () => {
    it('raises a transient error for an isp.* platform fault', async () => {
      sim.faults.set([{ type: 'isp', count: 1 }]);
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopTransientError);
      expect(error).toMatchObject({ kind: 'transient', code: answers.platformFault, retryable: true });
      expect(error.subCode).toMatch(/^isp\./);
      expect(sim.ledger).toHaveLength(0);
    });

    it('raises a rate-limited error carrying the announced ban', async () => {
      sim.faults.set([{ type: 'rate_limit', qps: 1, ban_seconds: 3 }]);
      await fulfillOrder(clientOn(sim), sellerCredentials, shipment);
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopRateLimitedError);
      expect(error).toMatchObject({ kind: 'rate_limited', code: answers.rateLimit, retryAfterMs: 4000 });
    });

    it('raises an auth error for a session the platform does not know', async () => {
      const error = await fulfillOrder(
        clientOn(sim),
        { ...sellerCredentials, session: 'revoked' },
        shipment,
      ).catch((e) => e);

      expect(error).toBeInstanceOf(TopAuthError);
      expect(error).toMatchObject({ kind: 'auth', code: answers.badSession, retryable: false });
    });

    it('raises a permanent error for an isv.* refusal', async () => {
      sim.faults.set([{ type: 'error', ...answers.refusal }]);
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopPermanentError);
      expect(error).toMatchObject({ kind: 'permanent', subCode: 'isv.order-not-exist', retryable: false });
    });

    it('raises a business error when a closed order is fulfilled again', async () => {
      const client = clientOn(sim);
      const whole = { ...shipment, out_ref: `closed-${protocol}`, send_type: 'all' } as const;
      await fulfillOrder(client, sellerCredentials, whole);
      const error = await fulfillOrder(client, sellerCredentials, whole).catch((e) => e);

      expect(error).toBeInstanceOf(TopBusinessError);
      expect(error).toMatchObject({ kind: 'permanent', subCode: 'ORDER_ALREADY_SHIPPED' });
      expect(error.requestId).toBe(sim.ledger[1]?.request_id);
    });

    it('raises a business error when the query says is_success=false', async () => {
      const error = await queryLogisticsOrder(clientOn(sim), sellerCredentials, {
        logistics_order_id: 'NOTFOUND-1',
      }).catch((e) => e);

      expect(error).toBeInstanceOf(TopBusinessError);
      expect(error.subCode).toBe('ORDER_NOT_FOUND');
    });

    it('refuses to call a seller API without a session, sending nothing', async () => {
      const requestsBefore = sim.stats().requests;
      const error = await fulfillOrder(clientOn(sim), appCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopAuthError);
      expect(error.requestId).toBeUndefined();
      expect(sim.stats().requests).toBe(requestsBefore);
    });
  });

  describe('transport', () => {
    it.each(['headers', 'body'] as const)(
      'times out when the %s come later than the deadline',
      async (phase) => {
        sim.faults.set([{ type: 'latency', ms: 1_000, phase, count: 1 }]);
        const error = await fulfillOrder(
          clientOn(sim, { deadlineMs: 200 }),
          sellerCredentials,
          shipment,
        ).catch((e) => e);

        expect(error).toBeInstanceOf(TopTimeoutError);
        expect(error.retryable).toBe(true);
        await callTakenLate();
      },
    );

    it('raises a transport error when the connection is reset', async () => {
      sim.faults.set([{ type: 'reset', count: 1 }]);
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopTransportError);
      expect(error).not.toBeInstanceOf(TopTimeoutError);
      expect(error.kind).toBe('transient');
    });

    it('raises a transport error carrying the status of a non-2xx answer', async () => {
      sim.faults.set([{ type: 'http', status: 503, count: 1 }]);
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopTransportError);
      expect(error.status).toBe(503);
    });

    describe('whether a failed call may have taken effect at TOP', () => {
      it.each<[string, Fault, boolean]>([
        ['a timeout after sending', { type: 'latency', ms: 1_000, count: 1 }, true],
        ['a connection reset after sending', { type: 'reset', count: 1 }, true],
        ['a 502 from the gateway', { type: 'http', status: 502, count: 1 }, true],
        ['a 403 from the gateway', { type: 'http', status: 403, count: 1 }, false],
        [
          'an isp.* remote timeout',
          { type: 'isp', sub_code: 'isp.top-remote-connection-timeout', count: 1 },
          true,
        ],
        ['an isp.* service error', { type: 'isp', sub_code: 'isp.remote-service-error', count: 1 }, false],
        ['an isv.* refusal', { type: 'error', ...answers.refusal, count: 1 }, false],
      ])('after %s: %s', async (_, fault, mayHave) => {
        sim.faults.set([fault]);
        const error = await fulfillOrder(
          clientOn(sim, { deadlineMs: 300 }),
          sellerCredentials,
          shipment,
        ).catch((e) => e);
        expect(error.mayHaveTakenEffect).toBe(mayHave);
        if (fault.type === 'latency') await callTakenLate();
      });

      it('says no when the gateway refuses the connection: nothing was sent', async () => {
        const closed = await startTestSimulator();
        const client = clientOn(closed);
        await closed.close();
        const error = await fulfillOrder(client, sellerCredentials, shipment).catch((e) => e);
        expect(error).toBeInstanceOf(TopTransportError);
        expect(error.mayHaveTakenEffect).toBe(false);
      });

      it('says no when the deadline passed before sending', async () => {
        let now = 0;
        const client = clientOn(sim, { deadlineMs: 100, now: () => (now += 1_000) });
        const error = await fulfillOrder(client, sellerCredentials, shipment).catch((e) => e);
        expect(error).toBeInstanceOf(TopTimeoutError);
        expect(error.mayHaveTakenEffect).toBe(false);
      });
    });

    it('makes 100 sequential calls over one keep-alive connection', async () => {
      const own = await startTestSimulator();
      const client = clientOn(own);
      for (let i = 0; i < 100; i++) {
        await sendDeliveryOrder(client, appCredentials, { ticket_id: `T${i}`, status: 'PACKAGING' });
      }

      expect(own.ledger).toHaveLength(100);
      expect(own.stats().connections).toBe(1);
      await own.close();
    });
  });

  describe('one attempt per call', () => {
    it("throws a transient failure as it came, sending the request once: retrying is the caller's", async () => {
      sim.faults.set([{ type: 'isp', count: 1 }]);
      const requestsBefore = sim.stats().requests;
      const error = await fulfillOrder(clientOn(sim), sellerCredentials, shipment).catch((e) => e);

      expect(error).toBeInstanceOf(TopTransientError);
      expect(sim.stats().requests - requestsBefore).toBe(1);
      expect(sim.ledger).toHaveLength(0);
    });
  });
});
