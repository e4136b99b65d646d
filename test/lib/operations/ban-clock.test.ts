import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ContainerBanClock } from '#lib/operations/ban-clock.ts';
import { BanStore } from '#lib/operations/ban-store.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const options = { client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'operations' };
const reads = () => dynamo.commandCalls(GetCommand).length;

// One container's view of the shared ban, with a clock the test moves by hand.
function containerClock() {
  const clock = { elapsed: 0 };
  return { clock, ban: new ContainerBanClock(new BanStore(options), () => clock.elapsed) };
}
const sharedBanUntil = (until: number | undefined) =>
  dynamo.on(GetCommand).resolves(until === undefined ? {} : { Item: { pk: 'ban', until } });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
});
afterAll(() => dynamo.restore());

describe('ContainerBanClock, counted in DynamoDB requests', () => {
  it('reads the shared ban once for every call within a second', async () => {
    sharedBanUntil(undefined);
    const { clock, ban } = containerClock();
    expect(await ban.until()).toBe(0);
    clock.elapsed = 999;
    expect(await ban.until()).toBe(0);
    expect(reads()).toBe(1);
  });

  it('lets concurrent callers share one read', async () => {
    sharedBanUntil(5_000);
    const { ban } = containerClock();
    expect(await Promise.all([ban.until(), ban.until(), ban.until()])).toEqual([5_000, 5_000, 5_000]);
    expect(reads()).toBe(1);
  });

  it('sees a ban met in another container once its view is a second old', async () => {
    sharedBanUntil(undefined);
    const { clock, ban } = containerClock();
    await ban.until();
    sharedBanUntil(9_000);
    clock.elapsed = 1_000;
    expect(await ban.until()).toBe(9_000);
    expect(reads()).toBe(2);
  });

  it('knows a ban one of its invocations met at once, and records it for the other containers', async () => {
    sharedBanUntil(undefined);
    const { ban } = containerClock();
    await ban.until();
    await ban.extend(7_000);
    expect(await ban.until()).toBe(7_000);
    expect(reads()).toBe(1);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ until: 7_000 });
  });

  it('tells the ban it knows without a read, a stale view included', async () => {
    sharedBanUntil(50_000);
    const { clock, ban } = containerClock();
    expect(ban.known()).toBe(0);
    await ban.until();
    await ban.extend(60_000);
    clock.elapsed += 5_000;

    expect(ban.known()).toBe(60_000);
    expect(reads()).toBe(1);
  });

  it('keeps the longer of the ban it knows and the one it reads', async () => {
    sharedBanUntil(3_000);
    const { clock, ban } = containerClock();
    await ban.extend(8_000);
    clock.elapsed = 5_000;
    expect(await ban.until()).toBe(8_000);
  });

  it('reads again after a failed read instead of trusting nothing', async () => {
    dynamo
      .on(GetCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves({ Item: { pk: 'ban', until: 4_000 } });
    const { ban } = containerClock();
    await expect(ban.until()).rejects.toThrow();
    expect(await ban.until()).toBe(4_000);
    expect(reads()).toBe(2);
  });
});
