import type { DedupeStore } from './dedupe-store.ts';
import type { Operation } from './operation.ts';
import type { OperationsStore } from './store.ts';

/**
 * Makes `operation` the one that may send the fact `key`, and returns whoever holds it now. A
 * marker stands only for an operation that succeeded or is still live: one whose holder went DEAD
 * or FAILED (or is gone) is taken over, since nothing of it reached TOP for good.
 */
export async function claimFact(
  stores: { readonly dedupe: DedupeStore; readonly operations: OperationsStore },
  key: string,
  operation: Operation,
): Promise<string> {
  const { dedupe, operations } = stores;
  const me = operation.operation_id;
  // Two rounds: a takeover that loses the race meets the winner's marker the second time.
  for (let round = 0; round < 2; round++) {
    const holder = await dedupe.hold(key, me, operation.expires_at);
    if (holder === me) return me;
    const other = await operations.get(holder);
    if (other && other.status !== 'DEAD' && other.status !== 'FAILED') return holder;
    if (await dedupe.take(key, holder, me, operation.expires_at)) return me;
  }
  return dedupe.hold(key, me, operation.expires_at);
}
