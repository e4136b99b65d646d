import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FulfillOrderRequest, fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { queryLogisticsOrder } from '#lib/top/apis/query-logistics-order.ts';
import { type DeliveryOrderSendRequest, sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopBusinessError } from '#lib/top/errors.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { callFields, json200, postSigned, simControl } from '#test/helpers/top-raw.ts';
import {
  appCredentials,
  clientFor,
  sellerCredentials,
  startTestSimulator,
  TEST_APP,
} from '#test/helpers/top-sim.ts';

const QUERY = 'aliexpress.local.logistics.order.info.query';
const T0 = Date.parse('2026-03-01T04:00:00.000Z');

// One clock for the simulator and the client: timestamps stay valid however far a test moves it.
let clock = T0;
const now = () => clock;
let sim: TopSimulator;
let client: TopClient;

beforeAll(async () => {
  sim = await startTestSimulator({ now, statusStepMs: 1000 });
  client = clientFor(sim, { now });
});
beforeEach(() => {
  sim.clearLedger();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

const simState = async () =>
  (await simControl(sim, 'GET', '/_sim/state')).body as {
    fulfilments: Record<
      string,
      { closed: boolean; shipments: { logistics_no: string; send_type: string }[] }
    >;
    delivery_orders: Record<string, { status?: string; packages?: unknown[]; updates: number }>;
  };

describe('the memory of the simulator', () => {
  describe('fulfilments, per out_ref', () => {
    const ship = (outRef: string, sendType: 'part' | 'all', logisticsNo: string): FulfillOrderRequest => ({
      service_name: 'EMS',
      out_ref: outRef,
      send_type: sendType,
      logistics_no: logisticsNo,
    });

    it('accepts part, part, then all, and refuses any fulfilment after all while still recording it', async () => {
      for (const [type, no] of [
        ['part', 'LA1'],
        ['part', 'LA2'],
        ['all', 'LA3'],
      ] as const) {
        const result = await fulfillOrder(client, sellerCredentials, ship('3001', type, no));
        expect(result.response.result?.result_success).toBe(true);
      }

      const error = await fulfillOrder(client, sellerCredentials, ship('3001', 'part', 'LA4')).catch(
        (e) => e,
      );

      expect(error).toBeInstanceOf(TopBusinessError);
      expect(error).toMatchObject({ subCode: 'ORDER_ALREADY_SHIPPED', retryable: false });
      expect(sim.ledger).toHaveLength(4);
      expect(sim.ledger[3]).toMatchObject({ params: { out_ref: '3001', logistics_no: 'LA4' } });
      expect(error.requestId).toBe(sim.ledger[3]?.request_id);
      const { fulfilments } = await simState();
      expect(fulfilments['3001']).toMatchObject({ closed: true });
      expect(fulfilments['3001']?.shipments.map((s) => s.logistics_no)).toEqual(['LA1', 'LA2', 'LA3']);
    });

    it('answers result_success=false in a success envelope on the wire', async () => {
      await fulfillOrder(client, sellerCredentials, ship('3002', 'all', 'LB1'));
      const body = await json200(
        await postSigned(
          sim,
          callFields(
            'aliexpress.solution.order.fulfill',
            { service_name: 'EMS', out_ref: '3002', send_type: 'all', logistics_no: 'LB2' },
            { session: TEST_APP.session, at: clock },
          ),
        ),
      );

      expect(body).toEqual({
        aliexpress_solution_order_fulfill_response: {
          result: {
            result_success: false,
            result_error_code: 'ORDER_ALREADY_SHIPPED',
            result_error_desc: expect.stringContaining('3002'),
          },
          request_id: expect.any(String),
        },
      });
    });

    it('leaves other out_refs unaffected by a closed one', async () => {
      await fulfillOrder(client, sellerCredentials, ship('3003', 'all', 'LC1'));
      const other = await fulfillOrder(client, sellerCredentials, ship('3004', 'all', 'LD1'));

      expect(other.response.result?.result_success).toBe(true);
    });
  });

  describe('delivery orders (tmall.ovs.delivery.order.info.send)', () => {
    const deliver = (request: DeliveryOrderSendRequest) => sendDeliveryOrder(client, appCredentials, request);
    const packages = [
      { outer_package_id: 'A', length: 30, width: 20, height: 10, weight: 1500 },
      { outer_package_id: 'B', length: 20, width: 20, height: 20, weight: 800 },
    ];

    it('keeps the last status per ticket', async () => {
      await deliver({ ticket_id: 'T-100', status: 'PACKAGING' });
      await deliver({ ticket_id: 'T-100', status: 'PACK_FINISH', weight: 1200 });

      expect((await simState()).delivery_orders['T-100']).toMatchObject({
        status: 'PACK_FINISH',
        updates: 2,
      });
    });

    it('keeps the last status per platform order, and under both keys when both are sent', async () => {
      await deliver({ ticket_id: 'T-200', platform_order_id: 'P-200', status: 'PACK_FINISH' });
      await deliver({ platform_order_id: 'P-200', status: 'ISSUE_SUCCEEDED' });
      const orders = (await simState()).delivery_orders;

      expect(orders['P-200']).toMatchObject({ status: 'ISSUE_SUCCEEDED', updates: 2 });
      expect(orders['T-200']).toMatchObject({ status: 'PACK_FINISH', updates: 1 });
    });

    it('keeps the last known status when a re-send leaves it out', async () => {
      await deliver({ ticket_id: 'T-300', status: 'PACK_FINISH' });
      await deliver({ ticket_id: 'T-300', mail_no: 'SF300' });

      expect((await simState()).delivery_orders['T-300']?.status).toBe('PACK_FINISH');
    });

    it('refuses a re-send of a consolidation order that changes its set of packages', async () => {
      await deliver({ platform_order_id: 'P-400', status: 'ISSUE_SUCCEEDED', package_list: packages });
      const fewer = await deliver({ platform_order_id: 'P-400', package_list: [packages[0] ?? {}] }).catch(
        (e) => e,
      );
      const renamed = await deliver({
        platform_order_id: 'P-400',
        package_list: [packages[0] ?? {}, { ...packages[1], outer_package_id: 'C' }],
      }).catch((e) => e);

      for (const error of [fewer, renamed]) {
        expect(error).toBeInstanceOf(TopBusinessError);
        expect(error.subCode).toBe('PACKAGE_CANNOT_CHANGE');
      }
      expect(sim.ledger).toHaveLength(3);
      expect((await simState()).delivery_orders['P-400']).toMatchObject({ packages, updates: 1 });
    });

    it("refuses a re-send of a consolidation order that changes a package's weight, answering success=false", async () => {
      await deliver({ platform_order_id: 'P-500', status: 'ISSUE_SUCCEEDED', package_list: packages });
      const heavier = [packages[0], { ...packages[1], weight: 900 }];
      const body = await json200(
        await postSigned(
          sim,
          callFields(
            'tmall.ovs.delivery.order.info.send',
            {
              param: JSON.stringify({ platform_order_id: 'P-500', package_list: heavier }),
            },
            { at: clock },
          ),
        ),
      );

      expect(body).toHaveProperty('tmall_ovs_delivery_order_info_send_response.result', {
        success: false,
        fail_code: 'PACKAGE_CANNOT_CHANGE',
        fail_message: expect.any(String),
      });
    });

    it('refuses a re-send of a consolidation order that changes a package volume', async () => {
      await deliver({ platform_order_id: 'P-510', package_list: packages });
      const error = await deliver({
        platform_order_id: 'P-510',
        package_list: [{ ...packages[0], height: 11 }, packages[1] ?? {}],
      }).catch((e) => e);

      expect(error).toMatchObject({ subCode: 'PACKAGE_CANNOT_CHANGE' });
    });

    it('accepts a re-send of a consolidation order that changes only status and mail_no', async () => {
      await deliver({ platform_order_id: 'P-600', status: 'ISSUE_SUCCEEDED', package_list: packages });
      const dimsOmitted = packages.map(({ outer_package_id }) => ({
        outer_package_id,
        mail_no: `MN-${outer_package_id}`,
        status: 'ABNORMAL_DELIVERY' as const,
      }));
      await deliver({
        platform_order_id: 'P-600',
        status: 'ABNORMAL_DELIVERY',
        error_code: 'CANT_SHIP',
        mail_no: 'MN-600',
        package_list: dimsOmitted,
      });
      // The same packages in another order, their dimensions repeated unchanged.
      const equal = await deliver({
        platform_order_id: 'P-601',
        status: 'ISSUE_SUCCEEDED',
        package_list: packages,
      }).then(() =>
        deliver({ platform_order_id: 'P-601', mail_no: 'MN-601', package_list: [...packages].reverse() }),
      );

      expect(equal.response.result?.success).toBe(true);
      expect((await simState()).delivery_orders['P-600']).toMatchObject({
        status: 'ABNORMAL_DELIVERY',
        updates: 2,
      });
    });

    it('accepts the original dimensions again after a re-send that left them out', async () => {
      await deliver({ platform_order_id: 'P-700', status: 'ISSUE_SUCCEEDED', package_list: packages });
      await deliver({
        platform_order_id: 'P-700',
        package_list: packages.map(({ outer_package_id }) => ({ outer_package_id, mail_no: 'MN-700' })),
      });
      const again = await deliver({ platform_order_id: 'P-700', package_list: packages });

      expect(again.response.result?.success).toBe(true);
    });

    it('refuses a re-send that repeats one package in place of another', async () => {
      await deliver({ platform_order_id: 'P-800', package_list: packages });
      const error = await deliver({
        platform_order_id: 'P-800',
        package_list: [packages[0] ?? {}, packages[0] ?? {}],
      }).catch((e) => e);

      expect(error).toMatchObject({ subCode: 'PACKAGE_CANNOT_CHANGE' });
    });

    it('lets a work order (ticket_id only) change its packages', async () => {
      await deliver({ ticket_id: 'T-900', status: 'PACKAGING', package_list: packages });
      const result = await deliver({
        ticket_id: 'T-900',
        status: 'PACK_FINISH',
        package_list: [packages[0] ?? {}],
      });

      expect(result.response.result?.success).toBe(true);
    });
  });

  describe('logistics orders', () => {
    const statusOf = async (id: string) =>
      (await queryLogisticsOrder(client, sellerCredentials, { logistics_order_id: id })).response.data
        ?.status;

    /** The status at each step of 1 s from the first query, `steps` queries in all. */
    async function statusesOver(id: string, steps: number): Promise<(string | undefined)[]> {
      const statuses: (string | undefined)[] = [];
      for (let step = 0; step < steps; step++) {
        statuses.push(await statusOf(id));
        clock += 1000;
      }
      return statuses;
    }

    it("goes '1', '2', '3', '4', '6' one step per statusStepMs, and stays '6'", async () => {
      expect(await statusesOver('LP-1000', 8)).toEqual(['1', '2', '3', '4', '6', '6', '6', '6']);
    });

    it('does not move while the clock stands still', async () => {
      expect([await statusOf('LP-1001'), await statusOf('LP-1001')]).toEqual(['1', '1']);
      clock += 999;
      expect(await statusOf('LP-1001')).toBe('1');
      clock += 1;
      expect(await statusOf('LP-1001')).toBe('2');
    });

    it("ends at '7' for an id containing CANCEL", async () => {
      expect(await statusesOver('LP-CANCEL-1', 5)).toEqual(['1', '2', '7', '7', '7']);
    });

    it("passes '5' before '6' for an id containing FAIL", async () => {
      expect(await statusesOver('lp-fail-1', 8)).toEqual(['1', '2', '3', '4', '5', '6', '6', '6']);
    });

    it('moves one step on POST /_sim/logistics-orders/{id}/advance', async () => {
      expect(await statusOf('LP-2000')).toBe('1');
      const advanced = await simControl(sim, 'POST', '/_sim/logistics-orders/LP-2000/advance');

      expect(advanced).toEqual({ status: 200, body: { logistics_order_id: 'LP-2000', status: '2' } });
      expect(await statusOf('LP-2000')).toBe('2');
      await simControl(sim, 'POST', '/_sim/logistics-orders/LP-2000/advance');
      clock += 1000;
      expect(await statusOf('LP-2000')).toBe('4');
    });

    it('advances an order never queried from its first status, and not past its last', async () => {
      const advance = async () =>
        (
          (await simControl(sim, 'POST', '/_sim/logistics-orders/LP-CANCEL-2/advance')).body as {
            status: string;
          }
        ).status;

      expect([await advance(), await advance(), await advance()]).toEqual(['2', '7', '7']);
    });

    it('describes the same id with the same detail but for status, and different ids differently', async () => {
      const detail = async (id: string) =>
        (await queryLogisticsOrder(client, sellerCredentials, { logistics_order_id: id })).response.data;
      const first = await detail('LP-3000');
      clock += 2000;
      const later = await detail('LP-3000');
      const other = await detail('LP-3001');
      const elsewhere = await startTestSimulator({ now, statusStepMs: 1000 });
      const fresh = (
        await queryLogisticsOrder(clientFor(elsewhere, { now }), sellerCredentials, {
          logistics_order_id: 'LP-3000',
        })
      ).response.data;
      await elsewhere.close();

      expect([first?.status, later?.status]).toEqual(['1', '3']);
      expect({ ...later, status: '1' }).toEqual(first);
      expect(fresh).toEqual(first);
      expect(other?.trade_order_id).not.toBe(first?.trade_order_id);
      expect(other?.tracking_code).not.toBe(first?.tracking_code);
      expect({ ...other, logistics_order_id: 'LP-3000' }).not.toEqual(first);
    });

    it('answers is_success=false for an id starting with NOTFOUND', async () => {
      const body = await json200(
        await postSigned(
          sim,
          callFields(
            QUERY,
            { param1: JSON.stringify({ logistics_order_id: 'NOTFOUND-42' }) },
            {
              session: TEST_APP.session,
              at: clock,
            },
          ),
        ),
      );

      expect(body).toEqual({
        aliexpress_local_logistics_order_info_query_response: {
          is_success: false,
          error_result_code: 'ORDER_NOT_FOUND',
          error_result_message: expect.stringContaining('NOTFOUND-42'),
          request_id: expect.any(String),
        },
      });
    });

    describe('on the wire', () => {
      const rawQuery = (id: string, extra: Record<string, string> = {}) =>
        postSigned(
          sim,
          callFields(
            QUERY,
            { param1: JSON.stringify({ logistics_order_id: id }), ...extra },
            {
              session: TEST_APP.session,
              at: clock,
            },
          ),
        );

      it('wraps the answer in its envelope and products in product_d_t_o with simplify off', async () => {
        const body = (await json200(await rawQuery('LP-4000'))) as {
          aliexpress_local_logistics_order_info_query_response: {
            is_success: boolean;
            data: { products: Record<string, unknown[]> };
          };
        };
        const inner = body.aliexpress_local_logistics_order_info_query_response;

        expect(Object.keys(body)).toEqual(['aliexpress_local_logistics_order_info_query_response']);
        expect(inner.is_success).toBe(true);
        expect(Object.keys(inner.data.products)).toEqual(['product_d_t_o']);
        expect(inner.data.products.product_d_t_o?.length).toBeGreaterThan(0);
        expect(inner.data.products.product_d_t_o?.[0]).toHaveProperty('sku_id');
      });

      it('drops the envelope and answers products as a plain array with simplify=true', async () => {
        const body = (await json200(await rawQuery('LP-4000', { simplify: 'true' }))) as {
          data: { products: unknown[] };
        };

        expect(Object.keys(body).sort()).toEqual(['data', 'is_success', 'request_id']);
        expect(Array.isArray(body.data.products)).toBe(true);
        expect(body.data.products[0]).toHaveProperty('sku_id');
      });

      it('writes trade_order_id as a bare 16-digit JSON number, which the client reads back exactly', async () => {
        for (const simplify of ['false', 'true']) {
          const text = await (await rawQuery('LP-4001', { simplify })).text();
          const digits = /"trade_order_id":(\d{16})[,}]/.exec(text)?.[1];

          expect(digits).toMatch(/^9\d{15}$/);
          const read = await queryLogisticsOrder(client, sellerCredentials, {
            logistics_order_id: 'LP-4001',
          });
          expect(read.response.data?.trade_order_id).toBe(digits);
        }
      });
    });
  });
});
