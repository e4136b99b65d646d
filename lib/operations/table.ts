import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The operations table: one string key `pk`; every kind of item names its kind in the key. */
export const OPERATIONS_KEY = 'pk';

/**
 * Sparse index of operations waiting for the sweeper: only items holding `due_shard` are in it,
 * so finding due work is a Query on `due_at`, never a Scan.
 */
export const DUE_INDEX = 'due';
export const DUE_SHARD = 'due';

/** TTL attribute (epoch seconds); DynamoDB deletes expired items, and reads treat them as gone. */
export const EXPIRES_AT = 'expires_at';

/** Key schema and indexes, shared by the CDK stack and the local stack. */
export const operationsTableDefinition = {
  AttributeDefinitions: [
    { AttributeName: OPERATIONS_KEY, AttributeType: 'S' },
    { AttributeName: 'due_shard', AttributeType: 'S' },
    { AttributeName: 'due_at', AttributeType: 'N' },
  ],
  KeySchema: [{ AttributeName: OPERATIONS_KEY, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: DUE_INDEX,
      KeySchema: [
        { AttributeName: 'due_shard', KeyType: 'HASH' },
        { AttributeName: 'due_at', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

/**
 * The `due_at` an item is indexed under: its time in ms plus a fraction of a millisecond drawn from
 * its key. Items due at the same millisecond (a batch tracked at once, retries waiting for one ban)
 * then still sort apart; dynalite keeps only one of two index entries whose times are equal and
 * whose keys share a 24-bit hash, and to DynamoDB the fraction is only a finer order.
 */
export function indexTime(ms: number, key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619) >>> 0;
  return Math.floor(ms) + ((hash % 999) + 1) / 1000;
}

/** The bound of a "due by `ms`" query on {@link indexTime}s: everything indexed within that millisecond. */
export const dueBy = (ms: number): number => Math.floor(ms) + 1;
