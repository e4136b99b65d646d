import { beforeAll, describe, expect, it } from 'vitest';
import { countedDynamoDB } from '#local/counted-dynamodb.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import {
  deliveryOrder,
  fulfillment,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// What a webhook asks of DynamoDB, counted on the wire of a client the harness is handed. The local
// DynamoDB never brings back the item a refused write met, so a duplicate costs one read more
// here than on DynamoDB (counted against its semantics in test/lib/operations/store.test.ts).
const parts = useTestParts();
let stack: WebhookHarness;
let sent: string[] = [];

beforeAll(async () => {
  const counted = countedDynamoDB(parts.dynamo.endpoint);
  sent = counted.sent;
  const dynamodb = counted.client;
  stack = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb } });
});

async function requestsOf(send: () => Promise<{ status: number }>) {
  sent.length = 0;
  const { status } = await send();
  return { status, sent: [...sent] };
}

describe('DynamoDB requests on a webhook path', () => {
  it('reads the shared ban once a second per container, so a new operation is claimed with one write', async () => {
    const first = await requestsOf(() =>
      stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-COUNT-1' }) }),
    );
    const second = await requestsOf(() =>
      stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-COUNT-2' }) }),
    );

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.sent.filter((name) => name === 'GetItem')).toHaveLength(1);
    expect(second.sent[0]).toBe('PutItem');
    expect(second.sent).not.toContain('GetItem');
    expect(second.sent).toHaveLength(first.sent.length - 1);
  });

  it('replays a duplicate delivery from the claim it met, without calling TOP or changing the record', async () => {
    const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '70001' }) };
    expect((await stack.deliverStorefront(body, { id: 'msg_counted_dup' })).status).toBe(200);
    parts.sim.clearLedger();

    const duplicate = await requestsOf(() => stack.deliverStorefront(body, { id: 'msg_counted_dup' }));

    expect(duplicate).toEqual({ status: 200, sent: ['PutItem', 'GetItem'] });
    expect(parts.sim.ledger).toHaveLength(0);
  });
});
