import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './calls.ts';

/** What a store of one table is built with. */
export interface TableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Clock in epoch ms; default `Date.now`. Tests hand in their own. */
  readonly now?: () => number;
}

/** What every store of a table holds: the document client, the table's name and the clock. */
export abstract class TableStore {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;
  protected readonly now: () => number;

  constructor(options: TableOptions) {
    this.doc = documentClient(options.client);
    this.table = options.tableName;
    this.now = options.now ?? Date.now;
  }

  /** The clock in epoch seconds, as TTL attributes hold time. */
  protected nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
