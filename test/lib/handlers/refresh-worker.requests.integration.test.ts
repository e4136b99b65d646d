import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshMessage } from '#lib/tracking/ports.ts';
import { type CountedDynamoDB, countedDynamoDB } from '#local/counted-dynamodb.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';

// What the refresh worker asks of DynamoDB, counted on the wire of the client its runtime is built
// on: the in-process queue hands it batches of 10, as the SQS event source does.
const parts = useTestParts({ statusStepMs: 1_000_000_000 });
let counted: CountedDynamoDB;
let stack: TrackingHarness;

beforeAll(async () => {
  counted = countedDynamoDB(parts.dynamo.endpoint);
  const dynamodb = counted.client;
  stack = await trackingHarness(parts, { overrides: { dynamodb } });
});
afterAll(async () => {
  await stack.close();
});

describe('DynamoDB requests of the refresh worker', () => {
  it("reads a batch's orders with one BatchGetItem, and writes each refreshed order once", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `BPREQ${String(i).padStart(3, '0')}`);
    for (const id of ids) expect((await stack.track({ logistics_order_id: id })).status).toBe(201);
    const messages: RefreshMessage[] = [];
    await stack.dispatchTo({ send: async (batch) => void messages.push(...batch) });
    parts.sim.clearLedger();
    counted.reset();
    const { sent } = counted;

    await stack.queue.send(messages.map((message) => JSON.stringify(message)));
    await stack.queue.drained();

    expect(parts.sim.ledger).toHaveLength(ids.length);
    const count = (kind: string) => sent.filter((each) => each === kind).length;
    expect(count('BatchGetItem')).toBe(ids.length / 10);
    expect(count('PutItem')).toBe(ids.length);
    // The one read besides: the shared ban, once a second per container.
    expect(count('GetItem')).toBeLessThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(ids.length / 10 + ids.length + 1);
  });
});
