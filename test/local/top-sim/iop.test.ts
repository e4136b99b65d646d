import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';
import {
  errorOf,
  type Fields,
  FULFILL,
  postSync,
  postTop,
  QUERY,
  type RawAnswer,
  SEND,
  syncFields,
  topFields,
} from './iop-raw.ts';

const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const SECOND = 1000;
const shipment: Fields = { service_name: 'EMS', out_ref: '7001', send_type: 'part', logistics_no: 'LA7CN' };

let sim: TopSimulator;
const fulfil = (fields: Partial<Fields> = {}, at = T0) =>
  ({ ...syncFields(FULFILL, shipment, { session: TEST_APP.session, at }), ...fields }) as Fields;
const omit = (fields: Fields, ...names: string[]): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)));

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => T0 });
});
beforeEach(() => {
  sim.clearLedger();
});
afterAll(async () => {
  await sim.close();
});

describe('the IOP gateway of the simulator (/sync)', () => {
  describe('accepted calls', () => {
    it('accepts a signed fulfilment and records it in the ledger with protocol iop', async () => {
      const answer = await postSync(sim.aeUrl, fulfil());
      const body = answer.json();

      expect(answer.status).toBe(200);
      expect(body).toEqual({
        aliexpress_solution_order_fulfill_response: {
          result: { result_success: true },
          request_id: expect.stringMatching(/^[0-9a-z]+$/),
        },
      });
      const requestId = (body.aliexpress_solution_order_fulfill_response as { request_id: string })
        .request_id;
      expect(sim.ledger).toEqual([
        {
          method: FULFILL,
          params: shipment,
          at: new Date(T0).toISOString(),
          request_id: requestId,
          protocol: 'iop',
        },
      ]);
    });

    it('serves aeUrl at the origin, next to /router/rest', () => {
      expect(sim.aeUrl).toBe(sim.origin);
      expect(sim.url).toBe(`${sim.origin}/router/rest`);
    });

    it('accepts timestamps 7200 s old and 7200 s ahead, the edges of the tolerance', async () => {
      for (const at of [T0 - 7200 * SECOND, T0 + 7200 * SECOND]) {
        expect((await postSync(sim.aeUrl, fulfil({}, at))).json()).toHaveProperty(
          'aliexpress_solution_order_fulfill_response.result.result_success',
          true,
        );
      }
    });

    it('drops empty and blank params before checking the signature', async () => {
      const answer = await postSync(sim.aeUrl, fulfil(), { unsigned: { description: '', partner_id: '  ' } });

      expect(answer.json()).toHaveProperty('aliexpress_solution_order_fulfill_response');
    });

    it('signs partner_id and simplify like any param, and answers without the envelope with simplify=true', async () => {
      const answer = await postSync(sim.aeUrl, fulfil({ partner_id: 'sim-test', simplify: 'true' }));

      expect(answer.json()).toEqual({
        result: { result_success: true },
        request_id: expect.any(String),
      });
    });

    it('answers the logistics query (param1 as one JSON string) as on TOP, big ids as bare numbers', async () => {
      const answer = await postSync(
        sim.aeUrl,
        syncFields(
          QUERY,
          { param1: JSON.stringify({ logistics_order_id: 'LO-1' }) },
          {
            session: TEST_APP.session,
            at: T0,
          },
        ),
      );

      expect(answer.json()).toHaveProperty(
        'aliexpress_local_logistics_order_info_query_response.is_success',
        true,
      );
      expect(answer.text).toMatch(/"trade_order_id":9\d{15}/);
    });

    it('shares its state with /router/rest: an order shipped in full on IOP refuses a TOP fulfilment', async () => {
      const all = { ...shipment, out_ref: '7002', send_type: 'all' };
      await postSync(sim.aeUrl, syncFields(FULFILL, all, { session: TEST_APP.session, at: T0 }));
      const onTop = await postTop(sim.origin, topFields(FULFILL, all, { session: TEST_APP.session, at: T0 }));

      expect(onTop.json()).toHaveProperty(
        'aliexpress_solution_order_fulfill_response.result.result_error_code',
        'ORDER_ALREADY_SHIPPED',
      );
      expect(sim.ledger.map((entry) => entry.protocol)).toEqual(['iop', 'top']);
    });
  });

  describe('refused calls, in the IOP error shape', () => {
    const refusals: { what: string; code: string; send: () => Promise<RawAnswer> }[] = [
      {
        what: 'a wrong signature',
        code: 'IncompleteSignature',
        send: () => postSync(sim.aeUrl, fulfil(), { secret: 'not-the-secret' }),
      },
      {
        what: 'a signature that does not cover a param',
        code: 'IncompleteSignature',
        send: () => postSync(sim.aeUrl, fulfil(), { unsigned: { description: 'added later' } }),
      },
      {
        what: 'no sign',
        code: 'IncompleteSignature',
        send: () => postSync(sim.aeUrl, fulfil(), { sign: null }),
      },
      {
        what: 'sign_method=hmac-sha256 (TOP’s, not IOP’s)',
        code: 'IncompleteSignature',
        send: () => postSync(sim.aeUrl, fulfil({ sign_method: 'hmac-sha256' })),
      },
      {
        what: 'a timestamp 7201 s old',
        code: 'InvalidTimestamp',
        send: () => postSync(sim.aeUrl, fulfil({}, T0 - 7201 * SECOND)),
      },
      {
        what: 'a timestamp 7201 s ahead',
        code: 'InvalidTimestamp',
        send: () => postSync(sim.aeUrl, fulfil({}, T0 + 7201 * SECOND)),
      },
      {
        what: 'a timestamp in seconds instead of milliseconds',
        code: 'InvalidTimestamp',
        send: () => postSync(sim.aeUrl, fulfil({ timestamp: String(T0 / 1000) })),
      },
      {
        what: 'a TOP-style GMT+8 timestamp',
        code: 'InvalidTimestamp',
        send: () => postSync(sim.aeUrl, fulfil({ timestamp: '2026-03-01 12:00:00' })),
      },
      {
        what: 'no timestamp',
        code: 'MissingParameter',
        send: () => postSync(sim.aeUrl, omit(fulfil(), 'timestamp')),
      },
      {
        what: 'an unknown method',
        code: 'InvalidApiPath',
        send: () => postSync(sim.aeUrl, fulfil({ method: 'aliexpress.solution.product.list.get' })),
      },
      {
        what: 'a Tmall method, which stays on TOP',
        code: 'InvalidApiPath',
        send: () => postSync(sim.aeUrl, syncFields(SEND, { param: '{"ticket_id":"T1"}' }, { at: T0 })),
      },
      {
        what: 'no method',
        code: 'InvalidApiPath',
        send: () => postSync(sim.aeUrl, omit(fulfil(), 'method')),
      },
      {
        what: 'no app_key',
        code: 'MissingParameter',
        send: () => postSync(sim.aeUrl, omit(fulfil(), 'app_key')),
      },
      {
        what: 'a wrong app_key',
        code: 'InvalidAppKey',
        send: () => postSync(sim.aeUrl, fulfil({ app_key: '999' })),
      },
      { what: 'v=1.0', code: 'InvalidVersion', send: () => postSync(sim.aeUrl, fulfil({ v: '1.0' })) },
      {
        what: 'format=xml',
        code: 'InvalidFormat',
        send: () => postSync(sim.aeUrl, fulfil({ format: 'xml' })),
      },
      {
        what: 'a seller API without an access token',
        code: 'IllegalAccessToken',
        send: () => postSync(sim.aeUrl, omit(fulfil(), 'session')),
      },
      {
        what: 'an access token the platform does not know',
        code: 'IllegalAccessToken',
        send: () => postSync(sim.aeUrl, fulfil({ session: 'revoked-token' })),
      },
      {
        what: 'a missing required business param',
        code: 'MissingParameter',
        send: () => postSync(sim.aeUrl, omit(fulfil(), 'logistics_no')),
      },
      {
        what: 'a business param outside its enum',
        code: 'InvalidParameter',
        send: () => postSync(sim.aeUrl, fulfil({ send_type: 'some' })),
      },
    ];

    it.each(refusals)(
      'answers $code (type ISV) to $what, as HTTP 200 with an error_response',
      async ({ code, send }) => {
        const error = errorOf(await send());

        expect(error).toMatchObject({
          type: 'ISV',
          code,
          msg: expect.any(String),
          request_id: expect.stringMatching(/^[0-9a-z]+$/),
        });
        expect(sim.ledger).toEqual([]);
      },
    );

    it('keeps the API rule’s message when it renders it in IOP’s words', async () => {
      expect(errorOf(await postSync(sim.aeUrl, omit(fulfil(), 'service_name')))).toMatchObject({
        type: 'ISV',
        code: 'MissingParameter',
        msg: 'Missing required arguments:service_name',
      });
      expect(errorOf(await postSync(sim.aeUrl, fulfil({ service_name: 'other' })))).toMatchObject({
        type: 'ISV',
        code: 'InvalidParameter',
        sub_code: 'isv.invalid-parameter',
        sub_msg: expect.stringContaining('tracking_website'),
      });
    });

    it('checks the signature before the timestamp, and the method before both', async () => {
      const late = fulfil({}, T0 - 9000 * SECOND);

      expect(errorOf(await postSync(sim.aeUrl, late, { sign: 'BAD' })).code).toBe('IncompleteSignature');
      expect(errorOf(await postSync(sim.aeUrl, { ...late, method: 'nope' }, { sign: 'BAD' })).code).toBe(
        'InvalidApiPath',
      );
    });

    it('keeps /router/rest answering TOP’s numeric codes for the same faults', async () => {
      const top = topFields(FULFILL, shipment, { session: 'revoked-token', at: T0 });

      expect(errorOf(await postTop(sim.origin, top))).toMatchObject({ code: 27, msg: 'Invalid Session' });
      expect(errorOf(await postTop(sim.origin, top, { sign: 'BAD' }))).toMatchObject({ code: 25 });
    });
  });

  describe('with AliExpress’ own app (aeApp)', () => {
    const ae = { appKey: 'ae-app', appSecret: 'ae-app-secret' };

    it('accepts that app alone on IOP, and the TOP app alone on /router/rest', async () => {
      const own = await startTestSimulator({ now: () => T0, aeApp: ae });
      const asAe = { ...fulfil(), app_key: ae.appKey };
      try {
        expect((await postSync(own.aeUrl, asAe, { secret: ae.appSecret })).json()).toHaveProperty(
          'aliexpress_solution_order_fulfill_response',
        );
        expect(errorOf(await postSync(own.aeUrl, fulfil())).code).toBe('InvalidAppKey');
        const onTop = topFields(FULFILL, shipment, { session: TEST_APP.session, at: T0 });
        expect(
          errorOf(await postTop(own.origin, { ...onTop, app_key: ae.appKey }, { secret: ae.appSecret })),
        ).toMatchObject({
          code: 29,
        });
        expect((await postTop(own.origin, onTop)).json()).toHaveProperty(
          'aliexpress_solution_order_fulfill_response',
        );
      } finally {
        await own.close();
      }
    });
  });
});
