import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { HouseFunction } from './house-function.ts';
import type { SecretRef } from './secrets.ts';

/** The item actions the stores use; a function is granted those it calls, and nothing broader. */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

// The item actions that only read: with these alone, a function may decrypt but not encrypt.
const READ_ACTIONS: readonly ItemAction[] = ['GetItem', 'BatchGetItem'];

export interface TableAccess {
  readonly items: readonly ItemAction[];
  /** The indexes the function queries, if any: Query is granted on those indexes alone. */
  readonly queryIndexes?: readonly string[];
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
  if (access.queryIndexes && access.queryIndexes.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: access.queryIndexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }
  const key = table.encryptionKey;
  if (key) {
    const writes = access.items.some((action) => !READ_ACTIONS.includes(action));
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

/**
 * What a function does with the sellers' token secrets (`<prefix><seller id>`): `read` uses a
 * seller's access token; `renew` also replaces it (and reads the version it replaces); `create`
 * stores a newly authorized seller's first tokens, or a re-authorized seller's new ones.
 */
export type SellerTokenAccess = 'read' | 'renew' | 'create';

const SELLER_TOKEN_ACTIONS: Record<SellerTokenAccess, readonly string[]> = {
  read: ['secretsmanager:GetSecretValue'],
  renew: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
  create: [
    'secretsmanager:CreateSecret',
    'secretsmanager:PutSecretValue',
    'secretsmanager:GetSecretValue',
    'secretsmanager:DescribeSecret',
  ],
};

/**
 * Puts the sellers' token-secret name prefix in `variable` and grants `access` on the secrets under
 * it. The secrets are created at run time, one per seller, so the grant names the prefix: a
 * secret's ARN ends with `<name>-<6 random characters>`.
 */
export function useSellerTokens(
  fn: HouseFunction,
  variable: string,
  prefix: string,
  access: SellerTokenAccess,
): void {
  fn.addEnvironment(variable, prefix);
  const stack = Stack.of(fn);
  const secrets = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  fn.addToRolePolicy(
    new PolicyStatement({ actions: [...SELLER_TOKEN_ACTIONS[access]], resources: [secrets] }),
  );
  Validations.of(fn.role ?? fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(secrets, stack)}]`,
    reason: `The sellers' token secrets are created at run time, one per seller, under the name prefix ${prefix}; Secrets Manager appends 6 random characters to each ARN, so the grant (${SELLER_TOKEN_ACTIONS[access].join(', ')}) names the prefix. It covers these sellers' tokens of this stage only.`,
  });
}

// How cdk-nag spells a flagged resource in a finding's id: the template value flattened, each `Ref`
// as `<Name>` (so the acknowledgement holds whether the account and region are known or not).
function nagArn(arn: string, stack: Stack): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (typeof node === 'object' && node !== null) {
      if ('Fn::Join' in node) {
        const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if ('Ref' in node) return `<${visit(node.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(stack.resolve(arn));
}
