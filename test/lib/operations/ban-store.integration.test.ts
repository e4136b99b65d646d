import { describe, expect, it } from 'vitest';
import { testStore, useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();

describe('BanStore against dynalite: the shared rate-limit ban', () => {
  it('only ever grows', async () => {
    const { ban, clock } = await testStore(local.dynamo);
    expect(await ban.until()).toBe(0);
    await ban.extend(clock.now + 5_000);
    await ban.extend(clock.now + 1_000);
    expect(await ban.until()).toBe(clock.now + 5_000);
    await ban.extend(clock.now + 9_000);
    expect(await ban.until()).toBe(clock.now + 9_000);
  });
});
