import { describe, expect, it } from 'vitest';
import { testStore, useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();

describe('DedupeStore against dynalite: fulfilment dedupe markers', () => {
  it('gives a fact to one operation until it releases it', async () => {
    const { dedupe } = await testStore(local.dynamo);
    const expires = 9_999_999_999;
    expect(await dedupe.hold('fact-1', 'op_a', expires)).toBe('op_a');
    expect(await dedupe.hold('fact-1', 'op_a', expires)).toBe('op_a');
    expect(await dedupe.hold('fact-1', 'op_b', expires)).toBe('op_a');
    await dedupe.release('fact-1', 'op_b');
    expect(await dedupe.hold('fact-1', 'op_b', expires)).toBe('op_a');
    await dedupe.release('fact-1', 'op_a');
    expect(await dedupe.hold('fact-1', 'op_b', expires)).toBe('op_b');
  });
});
