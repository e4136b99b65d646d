import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo, testStore } from '#test/helpers/dynamo.ts';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describe('BanStore against dynalite: the shared rate-limit ban', () => {
  it('only ever grows', async () => {
    const { ban, clock } = await testStore(dynamo);
    expect(await ban.until()).toBe(0);
    await ban.extend(clock.now + 5_000);
    await ban.extend(clock.now + 1_000);
    expect(await ban.until()).toBe(clock.now + 5_000);
    await ban.extend(clock.now + 9_000);
    expect(await ban.until()).toBe(clock.now + 9_000);
  });
});
