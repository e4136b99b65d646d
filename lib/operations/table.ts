import type { CreateTableCommandInput, GlobalSecondaryIndex, Projection } from '@aws-sdk/client-dynamodb';
import type { OperationStatus } from './operation.ts';

/** The operations table: one string key `pk`; every kind of item names its kind in the key. */
export const OPERATIONS_KEY = 'pk';

/**
 * Sparse index of operations waiting for the sweeper: only items holding `due_shard` are in it,
 * so finding due work is a Query on `due_at`, never a Scan.
 */
export const DUE_INDEX = 'due';
export const DUE_SHARD = 'due';

/**
 * Sparse index of the operator's lists: only items holding `list_shard` and `list_at` are in it.
 * On the operations table every operation is, one partition per status (`op#DEAD`), sorted by
 * creation; on the logistics-orders table every tracked order is (`lib/tracking/table.ts`).
 * Ban, guard, dedupe and parked-seller items never carry these attributes.
 */
export const LIST_INDEX = 'list';

/** The `list` partition of the operations of one status. */
export const operationListShard = (status: OperationStatus): string => `op#${status}`;

/**
 * What the operations' `list` index holds besides its keys: the fields of a listed operation and
 * `expires_at` (an expired record, not yet deleted by TTL, is left out). INCLUDE rather than
 * KEYS_ONLY + BatchGetItem: an operation item holds the whole TOP request (up to ~380 KB), so
 * reading items back would cost up to 100 read units a page where the entries cost a few; and it
 * adds almost no write: nearly every write of an operation changes its status, which moves its
 * entry to another partition (a rewrite of the entry) whatever is projected.
 */
export const OPERATION_LIST_ATTRIBUTES = [
  'operation_id',
  'flow',
  'status',
  'attempts',
  'created_at',
  'updated_at',
  'last_error',
  'expires_at',
] as const;

/** TTL attribute (epoch seconds); DynamoDB deletes expired items, and reads treat them as gone. */
export const EXPIRES_AT = 'expires_at';

const dueIndex = {
  IndexName: DUE_INDEX,
  KeySchema: [
    { AttributeName: 'due_shard', KeyType: 'HASH' },
    { AttributeName: 'due_at', KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'KEYS_ONLY' },
} as const satisfies GlobalSecondaryIndex;

/**
 * The key and the sparse `due` index every table of this system has (`pk`, `due_shard`, `due_at`):
 * the base the sellers table uses as it is, and the two others extend with their `list` index.
 */
export const dueTableDefinition = {
  AttributeDefinitions: [
    { AttributeName: OPERATIONS_KEY, AttributeType: 'S' },
    { AttributeName: 'due_shard', AttributeType: 'S' },
    { AttributeName: 'due_at', AttributeType: 'N' },
  ],
  KeySchema: [{ AttributeName: OPERATIONS_KEY, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [dueIndex],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

/** A table definition with the `list` index (`list_shard`, `list_at`) projecting `projection`. */
export function withListIndex(projection: Projection) {
  return {
    ...dueTableDefinition,
    AttributeDefinitions: [
      ...dueTableDefinition.AttributeDefinitions,
      { AttributeName: 'list_shard', AttributeType: 'S' },
      { AttributeName: 'list_at', AttributeType: 'N' },
    ],
    GlobalSecondaryIndexes: [
      dueIndex,
      {
        IndexName: LIST_INDEX,
        KeySchema: [
          { AttributeName: 'list_shard', KeyType: 'HASH' },
          { AttributeName: 'list_at', KeyType: 'RANGE' },
        ],
        Projection: projection,
      },
    ],
  } as const satisfies Omit<CreateTableCommandInput, 'TableName'>;
}

/** Key schema and indexes of the operations table, shared by the CDK stack and the local stack. */
export const operationsTableDefinition = withListIndex({
  ProjectionType: 'INCLUDE',
  NonKeyAttributes: [...OPERATION_LIST_ATTRIBUTES],
});

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
