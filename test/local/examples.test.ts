import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fulfillOrderApi } from '#lib/top/apis/fulfill-order.ts';
import { sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
import { readLocalSettings } from '#local/settings.ts';
import { requestIssues } from '#test/helpers/validation.ts';

const example = async (name: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('examples/ (what `npm run send` posts)', () => {
  it.each([
    { file: 'wms-delivery-order.json', status: 'PACK_FINISH' },
    { file: 'wms-pack-fail.json', status: 'PACK_FAIL' },
  ])('$file holds a delivery order TOP accepts, with status $status', async ({ file, status }) => {
    const body = await example(file);

    expect(Object.keys(body).sort()).toEqual(['delivery_order', 'occurred_at']);
    expect(body.occurred_at).toMatch(ISO_WITH_ZONE);
    expect(body.delivery_order).toMatchObject({ status });
    expect(requestIssues(sendDeliveryOrderApi, body.delivery_order)).toEqual([]);
  });

  it('wms-delivery-order.json is the README WMS contract example: ticket T42353535 with parcels and a service', async () => {
    const { delivery_order: order } = await example('wms-delivery-order.json');

    expect(order).toMatchObject({
      ticket_id: 'T42353535',
      goods_list: expect.any(Array),
      package_list: expect.any(Array),
      service_fulfil_result: expect.any(Array),
    });
  });

  it('storefront-fulfillment.json ships an order TOP accepts, for a seller the local stack knows', async () => {
    const body = await example('storefront-fulfillment.json');

    expect(Object.keys(body).sort()).toEqual(['fulfillment', 'seller_id']);
    expect(requestIssues(fulfillOrderApi, body.fulfillment)).toEqual([]);
    expect(Object.keys(readLocalSettings({}).sellers)).toContain(body.seller_id);
  });
});
