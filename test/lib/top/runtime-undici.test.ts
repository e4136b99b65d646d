import { describe, expect, it } from 'vitest';
import { runtimeTakesNewHandlers } from '#lib/top/runtime-undici.ts';

describe('runtimeTakesNewHandlers', () => {
  it.each([
    ['6.24.1', false],
    ['6.21.0', false],
    ['7.0.0', true],
    ['7.16.0', true],
    ['8.9.0', true],
  ])('is %s → %s', (version, expected) => {
    expect(runtimeTakesNewHandlers(version)).toBe(expected);
  });
});
