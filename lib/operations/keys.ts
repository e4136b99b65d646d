import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OPERATIONS_KEY } from './table.ts';

/** The key of each kind of item in the operations table; each names its kind first. */
export const itemKey = {
  operation: (operationId: string) => ({ [OPERATIONS_KEY]: `op#${operationId}` }),
  ban: () => ({ [OPERATIONS_KEY]: 'ban#top' }),
  orderGuard: (key: string) => ({ [OPERATIONS_KEY]: `order#${key}` }),
  dedupe: (key: string) => ({ [OPERATIONS_KEY]: `dedupe#${key}` }),
} as const;

/** The options every store of the operations table is built with. */
export interface OperationsTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => number;
}

/** How the operations table's stores name themselves in their errors. */
export const OPERATIONS_STORE = 'operations store';
