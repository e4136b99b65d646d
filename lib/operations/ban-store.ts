import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { itemKey, OPERATIONS_STORE } from './keys.ts';
import { OPERATIONS_KEY } from './table.ts';

/** TOP's rate-limit ban as every invocation shares it: when it ends, and a ban met to add. */
export interface RateLimitBan {
  /** When the ban ends (epoch ms); 0 when there is none. */
  until(): Promise<number>;
  /** Extends the ban to `until`; a shorter ban never shortens a longer one. */
  extend(until: number): Promise<void>;
}

const dynamo = storeCalls(OPERATIONS_STORE);

/** The shared ban, one item of the operations table. */
export class BanStore extends TableStore implements RateLimitBan {
  async until(): Promise<number> {
    const { Item } = await dynamo.call('read the rate-limit ban', () =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: itemKey.ban() })),
    );
    return typeof Item?.until === 'number' ? Item.until : 0;
  }

  async extend(until: number): Promise<void> {
    await dynamo.conditional('record a rate-limit ban', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...itemKey.ban(), until, expires_at: Math.ceil(until / 1000) + 86_400 },
          ConditionExpression: `attribute_not_exists(${OPERATIONS_KEY}) OR #until < :until`,
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':until': until },
        }),
      ),
    );
  }
}
