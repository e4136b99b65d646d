import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { LedgerEntry, TopSimulator } from '#local/top-sim/server.ts';
import {
  callFields,
  errorResponse,
  type Fields,
  json200,
  omit,
  postSigned,
  simControl,
} from '#test/helpers/top-raw.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';

// 12:00 in China; the simulator's clock stands still here.
const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const MINUTE = 60_000;
const FULFILL = 'aliexpress.solution.order.fulfill';
const SEND = 'tmall.ovs.delivery.order.info.send';
const shipment: Fields = { service_name: 'EMS', out_ref: '1001', send_type: 'part', logistics_no: 'LA1CN' };

/** A well-formed fulfilment by the test seller, stamped at `at`. */
const fulfilFields = (at = T0, business: Fields = shipment): Fields =>
  callFields(FULFILL, business, { session: TEST_APP.session, at });

const ledger = async () => (await simControl(sim, 'GET', '/_sim/ledger')).body as LedgerEntry[];

let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => T0 });
});
beforeEach(() => {
  sim.clearLedger();
});
afterAll(async () => {
  await closeGatewayPools();
  await sim.close();
});

describe('the gateway checks of the simulator', () => {
  describe('accepted calls', () => {
    it.each(['md5', 'hmac', 'hmac-sha256'] as const)(
      'accepts a call signed with sign_method=%s',
      async (signMethod) => {
        const body = await json200(
          await postSigned(
            sim,
            callFields(FULFILL, shipment, { session: TEST_APP.session, at: T0, signMethod }),
          ),
        );

        expect(body).toEqual({
          aliexpress_solution_order_fulfill_response: {
            result: { result_success: true },
            request_id: expect.stringMatching(/^[0-9a-z]+$/),
          },
        });
        expect(await ledger()).toHaveLength(1);
      },
    );

    it('accepts tmall.ovs.delivery.order.info.send without a session', async () => {
      const fields = callFields(
        SEND,
        { param: JSON.stringify({ ticket_id: 'T1', status: 'PACKAGING' }) },
        { at: T0 },
      );
      const body = await json200(await postSigned(sim, fields));

      expect(body).toMatchObject({
        tmall_ovs_delivery_order_info_send_response: { result: { success: true } },
      });
    });

    it('accepts system params in the query string and business params in the body, as the official SDKs send them', async () => {
      const fields = fulfilFields();
      const system = ['method', 'app_key', 'session', 'timestamp', 'v', 'sign_method', 'format', 'sign'];
      const body = await json200(await postSigned(sim, fields, { query: system }));

      expect(body).toHaveProperty('aliexpress_solution_order_fulfill_response.result.result_success', true);
      expect((await ledger())[0]).toMatchObject({ method: FULFILL, params: shipment });
    });

    it('drops empty and blank params before checking the signature', async () => {
      // Signed without description; the body carries `description=` and `tracking_website=%20%20`.
      const response = await postSigned(sim, fulfilFields(), {
        unsigned: { description: '', tracking_website: '  ' },
      });

      expect(await json200(response)).toHaveProperty(
        'aliexpress_solution_order_fulfill_response.result.result_success',
        true,
      );
      expect((await ledger())[0]?.params).toEqual(shipment);
    });

    it('accepts a timestamp 9 minutes old and one 9 minutes ahead', async () => {
      for (const at of [T0 - 9 * MINUTE, T0 + 9 * MINUTE]) {
        expect(await json200(await postSigned(sim, fulfilFields(at)))).toHaveProperty(
          'aliexpress_solution_order_fulfill_response',
        );
      }
    });

    it('accepts a timestamp exactly 10 minutes off, the edge of the tolerance', async () => {
      for (const at of [T0 - 10 * MINUTE, T0 + 10 * MINUTE]) {
        expect(await json200(await postSigned(sim, fulfilFields(at)))).toHaveProperty(
          'aliexpress_solution_order_fulfill_response',
        );
      }
    });
  });

  describe('refused calls', () => {
    const refusals: { what: string; code: number; send: () => Promise<Response> }[] = [
      {
        what: 'a wrong signature',
        code: 25,
        send: () => postSigned(sim, fulfilFields(), { secret: 'not-the-secret' }),
      },
      {
        what: 'a signature that does not cover a param',
        code: 25,
        send: () => postSigned(sim, fulfilFields(), { unsigned: { description: 'added later' } }),
      },
      {
        what: 'an unknown sign_method',
        code: 25,
        send: () => postSigned(sim, { ...fulfilFields(), sign_method: 'sha1' }),
      },
      {
        what: 'a timestamp 11 minutes old',
        code: 31,
        send: () => postSigned(sim, fulfilFields(T0 - 11 * MINUTE)),
      },
      {
        what: 'a timestamp 11 minutes ahead',
        code: 31,
        send: () => postSigned(sim, fulfilFields(T0 + 11 * MINUTE)),
      },
      {
        what: 'a timestamp 10 minutes and 1 second old',
        code: 31,
        send: () => postSigned(sim, fulfilFields(T0 - 10 * MINUTE - 1000)),
      },
      {
        what: 'a timestamp in UTC instead of GMT+8',
        code: 31,
        send: () => postSigned(sim, { ...fulfilFields(), timestamp: '2026-03-01 04:00:00' }),
      },
      {
        what: 'a timestamp in another format',
        code: 31,
        send: () => postSigned(sim, { ...fulfilFields(), timestamp: String(T0) }),
      },
      { what: 'no timestamp', code: 30, send: () => postSigned(sim, omit(fulfilFields(), 'timestamp')) },
      {
        what: 'a seller API without a session',
        code: 26,
        send: () => postSigned(sim, omit(fulfilFields(), 'session')),
      },
      {
        what: 'a session the platform does not know',
        code: 27,
        send: () => postSigned(sim, { ...fulfilFields(), session: 'revoked-session' }),
      },
      { what: 'no method', code: 21, send: () => postSigned(sim, omit(fulfilFields(), 'method')) },
      {
        what: 'an unknown method',
        code: 22,
        send: () => postSigned(sim, { ...fulfilFields(), method: 'taobao.item.seller.get' }),
      },
      { what: 'no app_key', code: 28, send: () => postSigned(sim, omit(fulfilFields(), 'app_key')) },
      {
        what: 'a wrong app_key',
        code: 29,
        send: () => postSigned(sim, { ...fulfilFields(), app_key: '87654321' }),
      },
      { what: 'no sign', code: 24, send: () => postSigned(sim, fulfilFields(), { sign: null }) },
      { what: 'no v', code: 32, send: () => postSigned(sim, omit(fulfilFields(), 'v')) },
      { what: 'v=1.0', code: 34, send: () => postSigned(sim, { ...fulfilFields(), v: '1.0' }) },
      { what: 'format=xml', code: 23, send: () => postSigned(sim, { ...fulfilFields(), format: 'xml' }) },
      {
        what: 'no format (the platform defaults to xml)',
        code: 23,
        send: () => postSigned(sim, omit(fulfilFields(), 'format')),
      },
    ];

    it.each(refusals)(
      'answers code $code to $what, as HTTP 200 with an error_response',
      async ({ code, send }) => {
        const error = await errorResponse(await send());

        expect(error).toMatchObject({
          code,
          msg: expect.any(String),
          request_id: expect.stringMatching(/^[0-9a-z]+$/),
        });
        expect(await ledger()).toEqual([]);
      },
    );

    it('gives each refusal its own request id', async () => {
      const first = await errorResponse(await postSigned(sim, fulfilFields(), { sign: 'BAD' }));
      const second = await errorResponse(await postSigned(sim, fulfilFields(), { sign: 'BAD' }));

      expect(first.request_id).not.toBe(second.request_id);
    });

    it('names the error as the platform does', async () => {
      expect(await errorResponse(await postSigned(sim, fulfilFields(), { sign: 'BAD' }))).toMatchObject({
        code: 25,
        msg: 'Invalid Signature',
      });
      expect(await errorResponse(await postSigned(sim, fulfilFields(T0 - 11 * MINUTE)))).toMatchObject({
        code: 31,
        msg: 'Invalid Timestamp',
      });
    });

    it('records none of the refused calls in the ledger, and the next good call alone', async () => {
      for (const { send } of refusals) await send();
      await postSigned(sim, fulfilFields());

      expect((await ledger()).map((entry) => entry.method)).toEqual([FULFILL]);
    });
  });
});
