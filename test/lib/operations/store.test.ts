import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CorruptItemError } from '#lib/dynamo/errors.ts';
import { DedupeStore } from '#lib/operations/dedupe-store.ts';
import { operationToItem } from '#lib/operations/operation-item.ts';
import { OperationsStore } from '#lib/operations/store.ts';
import { claimedOperation } from '#test/helpers/operations.ts';

// DynamoDB's answer to a failed condition when asked for ALL_OLD: the item the write met, marshalled.
const refusedWith = (item: Record<string, unknown> | undefined) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item && { Item: marshall(item, { removeUndefinedValues: true }) }),
  });

const dynamo = mockClient(DynamoDBDocumentClient);
const options = { client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'operations' };
const requests = () => dynamo.calls().length;

beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

describe('OperationsStore.create, counted in DynamoDB requests', () => {
  const now = Date.now();

  it('claims a new operation with one request', async () => {
    dynamo.on(PutCommand).resolves({});
    expect(await new OperationsStore(options).create(claimedOperation(now))).toEqual({ created: true });
    expect(requests()).toBe(1);
  });

  it('meets a duplicate with one request: the refused write brings the record back (ALL_OLD)', async () => {
    const existing = claimedOperation(now, { status: 'SUCCEEDED' });
    dynamo.on(PutCommand).rejects(refusedWith(operationToItem(existing)));

    const created = await new OperationsStore(options).create({ ...existing, status: 'IN_PROGRESS' });

    expect(created).toEqual({ created: false, existing });
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.ReturnValuesOnConditionCheckFailure).toBe(
      'ALL_OLD',
    );
    expect(requests()).toBe(1);
  });

  it('reads the record once more where the store brings nothing back (the local DynamoDB)', async () => {
    const existing = claimedOperation(now);
    dynamo.on(PutCommand).rejects(refusedWith(undefined));
    dynamo.on(GetCommand).resolves({ Item: operationToItem(existing) });

    expect(await new OperationsStore(options).create(existing)).toEqual({ created: false, existing });
    expect(requests()).toBe(2);
  });

  it('refuses a record it did not write rather than act on it, naming the fields only', async () => {
    const { status: _, ...withoutStatus } = operationToItem(claimedOperation(now));
    dynamo.on(PutCommand).rejects(refusedWith({ ...withoutStatus, status: 'HALF_DONE', attempts: 'x' }));

    const error = await new OperationsStore(options).create(claimedOperation(now)).catch((e) => e);

    expect(error).toBeInstanceOf(CorruptItemError);
    expect(error.fields).toEqual(['status', 'attempts']);
    expect(error.message).not.toContain('HALF_DONE');
  });
});

describe('DedupeStore.hold, counted in DynamoDB requests', () => {
  it('finds the holder of a fact with one request on DynamoDB', async () => {
    dynamo.on(PutCommand).rejects(refusedWith({ pk: 'dedupe#k', operation_id: 'op_a', expires_at: 1 }));
    expect(await new DedupeStore(options).hold('k', 'op_b', 9_999_999_999)).toBe('op_a');
    expect(requests()).toBe(1);
  });

  it('gives up after a bounded number of rounds when the marker keeps vanishing', async () => {
    dynamo.on(PutCommand).rejects(refusedWith(undefined));
    dynamo.on(GetCommand).resolves({});
    await expect(new DedupeStore(options).hold('k', 'op_b', 9_999_999_999)).rejects.toThrow(
      'operations store unavailable while trying to claim a fulfilment',
    );
    expect(requests()).toBe(6);
  });
});
