// `npm run bench -- client`: the TOP client's CPU cost by part (sign, encode, read), per operation.
import { validateTopRequest } from '#lib/top/apis/api.ts';
import { queryLogisticsOrderApi } from '#lib/top/apis/query-logistics-order.ts';
import { sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
import { formEncoded } from '#lib/top/form.ts';
import { encodeParams } from '#lib/top/params.ts';
import { readTopResponse } from '#lib/top/response.ts';
import { sign } from '#lib/top/sign.ts';
import { iopFields, type Signing, topFields } from '#lib/top/signed-fields.ts';
import { logisticsOrderDetail } from '#local/top-sim/logistics-orders.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import { successBody } from '#local/top-sim/wire.ts';
import { fmt, opsPerSecond } from './harness.ts';

const credentials = { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret };

/** The TOP client's CPU costs: signing, encoding, reading responses. */
export function clientParts() {
  const fields = encodeParams({
    method: 'aliexpress.solution.order.fulfill',
    app_key: credentials.appKey,
    timestamp: '2026-11-23 18:00:00',
    v: '2.0',
    sign_method: 'hmac-sha256',
    format: 'json',
    session: SIM_DEFAULTS.session,
    service_name: 'EMS',
    out_ref: '888877779999',
    send_type: 'part',
    logistics_no: 'LA88887777CN',
  });
  const order = logisticsOrderDetail('BP10000000018002', '4');
  const method = queryLogisticsOrderApi.method;
  const withBigIds = successBody(method, { data: order, is_success: true }, 'req', false, ['trade_order_id']);
  const withoutBigIds = successBody(method, { data: order, is_success: true }, 'req', false);

  console.log('TOP client, CPU (ops/s, higher is better)');
  for (const signMethod of ['hmac-sha256', 'hmac', 'md5'] as const) {
    console.log(
      `  sign ${signMethod.padEnd(12)} ${fmt(opsPerSecond(() => sign(fields, 'secret', signMethod)))}`,
    );
  }
  // What the client does for a call: sign its fields, then write them as the form it posts.
  const signing: Signing = {
    now: Date.now(),
    signMethod: 'hmac-sha256',
    simplify: false,
    partnerId: undefined,
  };
  for (const [protocol, signed] of [
    ['top', topFields],
    ['iop', iopFields],
  ] as const) {
    const form = () => formEncoded(signed('aliexpress.solution.order.fulfill', fields, credentials, signing));
    console.log(`  signed form (fulfil, ${protocol}) ${fmt(opsPerSecond(form))}`);
  }
  const delivery = { ticket_id: 'T-CPU', status: 'PACKAGING', weight: 2300 } as const;
  console.log(
    `  validate a delivery     ${fmt(opsPerSecond(() => validateTopRequest(sendDeliveryOrderApi, delivery)))}`,
  );
  console.log(`  read order detail      ${fmt(opsPerSecond(() => readTopResponse(withoutBigIds, method)))}`);
  console.log(`  … with a 2^53+ id      ${fmt(opsPerSecond(() => readTopResponse(withBigIds, method)))}`);
  console.log(
    `  … + OrderDTO schema    ${fmt(opsPerSecond(() => queryLogisticsOrderApi.response.parse(readTopResponse(withBigIds, method))))}`,
  );
}
