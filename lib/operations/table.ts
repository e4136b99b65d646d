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
