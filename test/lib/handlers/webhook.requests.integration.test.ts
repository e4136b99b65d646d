import { beforeAll, describe, expect, it } from 'vitest';
import { type CountedDynamoDB, countedDynamoDB } from '#local/counted-dynamodb.ts';
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
let counted: CountedDynamoDB;

beforeAll(async () => {
  counted = countedDynamoDB(parts.dynamo.endpoint);
  const dynamodb = counted.client;
  stack = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb } });
});

async function requestsOf(send: () => Promise<{ status: number }>) {
  counted.reset();
  const { status } = await send();
  return { status, sent: [...counted.sent], rounds: counted.rounds.map((round) => round.join(' + ')) };
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

  it('claims a new WMS event and takes its delivery order in one round trip, and records it in one', async () => {
    await requestsOf(() => stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-0' }) }));

    const delivered = await requestsOf(() =>
      stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-1' }) }),
    );

    expect(delivered.status).toBe(200);
    // The claim with the hold; (TOP); the delivery order moved on with the outcome.
    expect(delivered.rounds).toEqual(['PutItem + UpdateItem', 'UpdateItem + PutItem']);
  });

  it('takes nothing for a redelivery of the last event of its delivery order, so it has nothing to give back', async () => {
    const body = { delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-DUP' }) };
    expect((await stack.deliverWms(body, { id: 'msg_rounds_dup' })).status).toBe(200);

    const duplicate = await requestsOf(() => stack.deliverWms(body, { id: 'msg_rounds_dup' }));

    expect(duplicate.status).toBe(200);
    // The hold is refused with the claim; on dynalite the refused claim brings nothing back and
    // reads the record (a GetItem that may share the round).
    expect(duplicate.rounds[0]).toMatch(/^PutItem \+ UpdateItem/);
    expect(duplicate.sent.filter((name) => name === 'UpdateItem')).toHaveLength(1);
  });

  it('gives back the delivery order a redelivery took alongside its refused claim', async () => {
    const first = { delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-DUP2', status: 'PACKAGING' }) };
    expect((await stack.deliverWms(first, { id: 'msg_rounds_dup2' })).status).toBe(200);
    const later = { delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-DUP2', status: 'PACK_FINISH' }) };
    expect((await stack.deliverWms(later)).status).toBe(200);

    // Another event gave the delivery order back since: the redelivery takes it, and gives it back.
    const duplicate = await requestsOf(() => stack.deliverWms(first, { id: 'msg_rounds_dup2' }));
    const next = await requestsOf(() =>
      stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ROUNDS-DUP2' }) }),
    );

    expect(duplicate.status).toBe(200);
    expect(duplicate.sent.filter((name) => name === 'UpdateItem')).toHaveLength(2);
    expect(next.status).toBe(200);
  });

  it('replays a duplicate delivery from the claim it met, without calling TOP or changing the record', async () => {
    const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '70001' }) };
    expect((await stack.deliverStorefront(body, { id: 'msg_counted_dup' })).status).toBe(200);
    parts.sim.clearLedger();

    const duplicate = await requestsOf(() => stack.deliverStorefront(body, { id: 'msg_counted_dup' }));

    expect(duplicate).toMatchObject({ status: 200, sent: ['PutItem', 'GetItem'] });
    expect(parts.sim.ledger).toHaveLength(0);
  });
});
