import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { callFields, errorResponse, type Fields, json200, omit, postSigned } from '#test/helpers/top-raw.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';

const FULFILL = 'aliexpress.solution.order.fulfill';
const QUERY = 'aliexpress.local.logistics.order.info.query';
const SEND = 'tmall.ovs.delivery.order.info.send';
const shipment: Fields = { service_name: 'EMS', out_ref: '2001', send_type: 'part', logistics_no: 'LA2CN' };

let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
beforeEach(() => {
  sim.clearLedger();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

const fulfil = (business: Fields) =>
  postSigned(sim, callFields(FULFILL, business, { session: TEST_APP.session }));
const query = (business: Fields) =>
  postSigned(sim, callFields(QUERY, business, { session: TEST_APP.session }));
const send = (param: unknown) => postSigned(sim, callFields(SEND, { param: JSON.stringify(param) }));

describe('the API rules of the simulator', () => {
  describe('flat params (aliexpress.solution.order.fulfill)', () => {
    it('answers 40 naming a missing required param', async () => {
      const error = await errorResponse(await fulfil(omit(shipment, 'service_name')));

      expect(error).toMatchObject({ code: 40, msg: 'Missing required arguments:service_name' });
      expect(sim.ledger).toEqual([]);
    });

    it('names every missing required param', async () => {
      const error = await errorResponse(await fulfil(omit(shipment, 'out_ref', 'logistics_no')));

      expect(error.code).toBe(40);
      expect(error.msg).toContain('out_ref');
      expect(error.msg).toContain('logistics_no');
    });

    it('answers 41 naming a param outside its enum (send_type=bogus)', async () => {
      const error = await errorResponse(await fulfil({ ...shipment, send_type: 'bogus' }));

      expect(error).toMatchObject({ code: 41, msg: 'Invalid arguments:send_type' });
      expect(sim.ledger).toEqual([]);
    });

    it('answers 50 isv.invalid-parameter for service_name=other without tracking_website', async () => {
      const error = await errorResponse(await fulfil({ ...shipment, service_name: 'other' }));

      expect(error).toMatchObject({ code: 50, sub_code: 'isv.invalid-parameter' });
      expect(error.sub_msg).toContain('tracking_website');
      expect(sim.ledger).toEqual([]);
    });

    it('accepts service_name=other with a tracking_website', async () => {
      const body = await json200(
        await fulfil({ ...shipment, service_name: 'other', tracking_website: 'www.17track.com' }),
      );

      expect(body).toHaveProperty('aliexpress_solution_order_fulfill_response.result.result_success', true);
    });

    it('ignores params the API does not declare', async () => {
      const body = await json200(await fulfil({ ...shipment, item_id: '42', colour: 'blue' }));

      expect(body).toHaveProperty('aliexpress_solution_order_fulfill_response.result.result_success', true);
      expect(sim.ledger[0]?.params).toEqual(shipment);
    });
  });

  describe('object params', () => {
    it('answers 40 when the query has no param1', async () => {
      const error = await errorResponse(await query({}));

      expect(error).toMatchObject({ code: 40, msg: 'Missing required arguments:param1' });
    });

    it('answers 41 when param1 is not JSON', async () => {
      const error = await errorResponse(await query({ param1: '{logistics_order_id: LP1' }));

      expect(error).toMatchObject({ code: 41, msg: 'Invalid arguments:param1' });
    });

    it('answers 41 when param1 is JSON but not an object', async () => {
      for (const param1 of ['["LP1"]', '"LP1"', 'null', '42']) {
        expect(await errorResponse(await query({ param1 }))).toMatchObject({ code: 41 });
      }
    });

    it('answers 50 naming the field when param1 breaks a rule', async () => {
      const error = await errorResponse(await query({ param1: JSON.stringify({ logistics_order_id: 123 }) }));

      expect(error).toMatchObject({ code: 50, sub_code: 'isv.invalid-parameter' });
      expect(error.sub_msg).toContain('logistics_order_id');
    });

    it('answers 40 when the delivery-order send has no param', async () => {
      const error = await errorResponse(await postSigned(sim, callFields(SEND, {})));

      expect(error).toMatchObject({ code: 40, msg: 'Missing required arguments:param' });
    });

    it.each([
      {
        rule: 'status PACK_FAIL without error_code',
        param: { ticket_id: 'T1', status: 'PACK_FAIL' },
        path: 'error_code',
      },
      {
        rule: 'status ABNORMAL_DELIVERY without error_code',
        param: { platform_order_id: 'P1', status: 'ABNORMAL_DELIVERY' },
        path: 'error_code',
      },
      { rule: 'neither ticket_id nor platform_order_id', param: { status: 'PACKAGING' }, path: 'ticket_id' },
      {
        rule: 'charge_type weight without weight',
        param: { ticket_id: 'T1', service_fulfil_result: [{ service_code: 'S1', charge_type: 'weight' }] },
        path: 'service_fulfil_result.0.weight',
      },
      {
        rule: 'a package status outside its enum',
        param: { platform_order_id: 'P1', package_list: [{ outer_package_id: 'A', status: 'PACKAGING' }] },
        path: 'package_list.0.status',
      },
      { rule: 'a field the API does not have', param: { ticket_id: 'T1', colour: 'blue' }, path: 'colour' },
    ])(
      'answers 50 isv.invalid-parameter naming the path when the send has $rule',
      async ({ param, path }) => {
        const error = await errorResponse(await send(param));

        expect(error).toMatchObject({
          code: 50,
          msg: 'Remote service error',
          sub_code: 'isv.invalid-parameter',
        });
        expect(error.sub_msg).toContain(path);
        expect(sim.ledger).toEqual([]);
      },
    );

    it('accepts a send that keeps every rule', async () => {
      const body = await json200(
        await send({
          ticket_id: 'T2',
          status: 'PACK_FAIL',
          error_code: 'ITEM_WORN',
          service_fulfil_result: [{ service_code: 'S1', charge_type: 'weight', weight: 300 }],
        }),
      );

      expect(body).toHaveProperty('tmall_ovs_delivery_order_info_send_response.result.success', true);
      expect(sim.ledger).toHaveLength(1);
    });
  });
});
