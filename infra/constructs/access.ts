import { Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { HouseFunction } from './house-function.ts';
import type { SecretRef } from './secrets.ts';

/** The item actions the stores use; a function is granted those it calls, and nothing broader. */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface TableAccess {
  readonly items: readonly ItemAction[];
  /** The index the function queries, if any: Query is granted on that index alone. */
  readonly queryIndex?: string;
}

// The helpers below each set the variable a function reads and grant what reading it implies, so the
// two cannot drift apart.

/** Names `table` in `variable` and grants exactly `access` on it, and on its key if it has one. */
export function useTable(fn: HouseFunction, variable: string, table: Table, access: TableAccess): void {
  fn.addEnvironment(variable, table.tableName);
  if (access.items.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: access.items.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
  }
  if (access.queryIndex) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${access.queryIndex}`],
      }),
    );
  }
  const key = table.encryptionKey;
  if (key) {
    const writes = access.items.some((action) => action !== 'GetItem');
    fn.addToRolePolicy(
      new PolicyStatement({
        // DynamoDB uses the key on the caller's behalf: only through DynamoDB, only this key.
        actions: [
          'kms:Decrypt',
          'kms:DescribeKey',
          ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
        ],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` } },
      }),
    );
  }
}

/** Names a table the function's config requires but whose items it never touches: no grant. */
export function nameTable(fn: HouseFunction, variable: string, table: Table): void {
  fn.addEnvironment(variable, table.tableName);
}

/** Names the secret in `variable` and grants reading it (and decrypting it, when its key is known). */
export function useSecret(fn: HouseFunction, variable: string, secret: SecretRef): void {
  fn.addEnvironment(variable, secret.id);
  secret.secret.grantRead(fn);
}

/** Puts the queue's URL in `variable` and grants sending to it; SendMessageBatch is SendMessage to IAM. */
export function useQueueForSending(fn: HouseFunction, variable: string, queue: IQueue): void {
  fn.addEnvironment(variable, queue.queueUrl);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/** Names the bus in `variable` and grants putting events on it. */
export function useEventBus(fn: HouseFunction, variable: string, bus: IEventBus): void {
  fn.addEnvironment(variable, bus.eventBusName);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));
}
