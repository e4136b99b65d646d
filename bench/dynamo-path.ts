// The DynamoDB part of a WMS delivery's path, alone (for P3): the claim, the ordering guard taken
// and moved on, and the outcome, written through the same stores to dynalite in this process, as
// the local stack embeds it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operationIdFor } from '#lib/operations/identity.ts';
import type { Operation } from '#lib/operations/operation.ts';
import { OrderGuardStore } from '#lib/operations/order-guard-store.ts';
import { OperationsStore } from '#lib/operations/store.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { ensureTable, localDynamoClient, startLocalDynamo } from '#local/dynamo.ts';
import { type LoadFigures, measure } from './harness.ts';

/** A WMS delivery's operation as its webhook claims it. */
function wmsOperation(i: number, now: number): Operation {
  return {
    operation_id: operationIdFor('wms-delivery', `msg_bench_${randomUUID()}`),
    flow: 'wms-delivery',
    webhook_id: `msg_bench_${i}`,
    payload_hash: 'f'.repeat(64),
    status: 'IN_PROGRESS',
    attempts: 0,
    created_at: now,
    updated_at: now,
    budget_started_at: now,
    lease_token: randomUUID(),
    lease_expires_at: now + 30_000,
    request: {
      method: 'tmall.ovs.delivery.order.info.send',
      params: { delivery_order: { ticket_id: `W${i}`, status: 'PACKAGING', weight: 2300 } },
    },
    guards: { order_keys: [`ticket:W${i}`], occurred_at: now, order_status: 'PACKAGING' },
    expires_at: Math.floor(now / 1000) + 86_400,
  };
}

/** The path's DynamoDB writes, `total` sets of them with `concurrency` in flight. */
export async function dynamoPathFigures(total: number, concurrency: number): Promise<LoadFigures> {
  // As `npm start` runs it: on disk, on a thread of its own.
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-dynamo-'));
  const dynamo = await startLocalDynamo({ dataDir, thread: true });
  const client = localDynamoClient(dynamo.endpoint);
  try {
    await ensureTable(client, 'operations', operationsTableDefinition);
    const table = { client, tableName: 'operations', now: Date.now };
    const operations = new OperationsStore(table);
    const guards = new OrderGuardStore(table);
    const writeSet = async (i: number) => {
      const operation = wmsOperation(i, Date.now());
      const keys = operation.guards.order_keys ?? [];
      const { operation_id: id, expires_at: expiresAt } = operation;
      const holder = { token: operation.lease_token ?? '', operationId: id };
      // As a delivery writes them: the claim with the delivery order's hold, then (after TOP) the
      // history moved on with the outcome.
      await Promise.all([
        operations.create(operation),
        guards.hold(keys, holder, operation.lease_expires_at ?? 0, expiresAt, { unlessLastHolder: true }),
      ]);
      const delivered = { occurredAt: Date.now(), status: 'PACKAGING', operationId: id };
      await Promise.all([
        guards.advance(keys, delivered, holder, expiresAt),
        operations.settle(
          {
            ...operation,
            status: 'SUCCEEDED',
            attempts: 1,
            lease_token: undefined,
            lease_expires_at: undefined,
          },
          holder.token,
        ),
      ]);
    };
    await measure(300, concurrency, writeSet);
    return await measure(total, concurrency, (i) => writeSet(1_000_000 + i));
  } finally {
    client.destroy();
    await dynamo.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
