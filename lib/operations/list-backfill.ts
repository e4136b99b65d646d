import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  paginateScan,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OperationStatus } from './operation.ts';
import { indexTime, operationListShard } from './table.ts';

/** Where an item goes in the `list` index, and what it must still hold for the write to be right. */
export interface ListPlace {
  readonly shard: string;
  readonly at: number;
  /** A ConditionExpression on top of `attribute_not_exists(list_shard)`: the item as it was read. */
  readonly unchanged: {
    readonly expression: string;
    readonly names?: Record<string, string>;
    readonly values?: Record<string, unknown>;
  };
}

export interface BackfillReport {
  /** Items of the kind found without a place in the index. */
  readonly found: number;
  readonly placed: number;
  /** Written meanwhile (they got their place from that write), or gone. */
  readonly moved: number;
}

/**
 * Gives the items of one kind written before the `list` index existed their place in it: the index
 * lists only items holding `list_shard` and `list_at`, which every write sets from now on, but a
 * record written before and never since (a DEAD operation, a parked order) would never be listed.
 * A one-off after the deploy that adds the index, run by an operator (`infra/backfill-list-index.ts`):
 * it scans the table, as a migration may and a list never does. Each write is conditioned on the
 * item being as it was read and still without a place, so it never overwrites a newer write, and
 * running it twice, or beside the functions, is safe.
 */
export async function backfillListIndex(
  client: DynamoDBClient,
  table: string,
  kind: { readonly prefix: string; readonly attributes: readonly string[] },
  place: (item: Record<string, unknown>) => ListPlace | Promise<ListPlace>,
): Promise<BackfillReport> {
  const names = Object.fromEntries(['pk', ...kind.attributes].map((name, i) => [`#a${i}`, name]));
  let found = 0;
  let placed = 0;
  let moved = 0;
  for await (const page of paginateScan(
    { client },
    {
      TableName: table,
      ConsistentRead: true,
      ProjectionExpression: Object.keys(names).join(', '),
      FilterExpression: 'begins_with(#a0, :prefix) AND attribute_not_exists(list_shard)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':prefix': { S: kind.prefix } },
    },
  )) {
    for (const raw of page.Items ?? []) {
      found++;
      const item = unmarshall(raw);
      const { shard, at, unchanged } = await place(item);
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: raw.pk as NonNullable<typeof raw.pk> },
            UpdateExpression: 'SET list_shard = :shard, list_at = :at',
            ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(list_shard) AND ${unchanged.expression}`,
            ...(unchanged.names && { ExpressionAttributeNames: unchanged.names }),
            ExpressionAttributeValues: marshallValues({ ':shard': shard, ':at': at, ...unchanged.values }),
          }),
        );
        placed++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        moved++;
      }
    }
  }
  return { found, placed, moved };
}

/** The operations' kind: `op#` items, placed by status and creation, as `operationToItem` places them. */
export const OPERATION_ITEMS = { prefix: 'op#', attributes: ['status', 'created_at', 'updated_at'] } as const;

export function operationPlace(item: Record<string, unknown>): ListPlace {
  return {
    shard: operationListShard(item.status as OperationStatus),
    at: indexTime(Number(item.created_at), String(item.pk)),
    unchanged: {
      expression: '#status = :status AND updated_at = :updated',
      names: { '#status': 'status' },
      values: { ':status': item.status, ':updated': item.updated_at },
    },
  };
}

function marshallValues(values: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      typeof value === 'number' ? { N: String(value) } : { S: String(value) },
    ]),
  );
}
