import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '#lib/operations/errors.ts';
import { testStore, useTestDynamo } from '#test/helpers/dynamo.ts';
import { claimedOperation } from '#test/helpers/operations.ts';

const local = useTestDynamo();

describe('OperationsStore against dynalite', () => {
  describe('create', () => {
    it('claims an id once; a second claim of a live record is refused', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const operation = claimedOperation(clock.now);
      expect(await store.create(operation)).toEqual({ created: true });
      // The local DynamoDB brings back nothing with the refusal: the store reads the record then.
      expect(await store.create({ ...operation, payload_hash: 'other' })).toEqual({
        created: false,
        existing: operation,
      });
      expect(await store.get(operation.operation_id)).toEqual(operation);
    });

    it('treats a record past its TTL as gone, so the key can be used again', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const operation = claimedOperation(clock.now, { expires_at: Math.floor(clock.now / 1000) + 60 });
      await store.create(operation);
      clock.now += 61_000;
      expect(await store.get(operation.operation_id)).toBeUndefined();
      expect(await store.create({ ...operation, payload_hash: 'new', expires_at: 9_999_999_999 })).toEqual({
        created: true,
      });
    });
  });

  describe('settle', () => {
    it('writes the outcome of the lease holder and takes the operation off the due index', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const operation = claimedOperation(clock.now, { lease_expires_at: clock.now - 1 });
      await store.create(operation);
      expect(await store.due(10)).toEqual([{ operationId: operation.operation_id, dueAt: clock.now - 1 }]);
      const settled = {
        ...operation,
        status: 'SUCCEEDED' as const,
        lease_token: undefined,
        lease_expires_at: undefined,
      };
      await store.settle(settled, 'token-1');
      expect((await store.get(operation.operation_id))?.status).toBe('SUCCEEDED');
      expect(await store.due(10)).toEqual([]);
    });

    it('refuses the outcome of an invocation whose lease was taken over', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const operation = claimedOperation(clock.now, { lease_expires_at: clock.now - 1 });
      await store.create(operation);
      const taken = await store.acquire(operation.operation_id, 'due', {
        token: 'token-2',
        expiresAt: clock.now + 1,
      });
      expect(taken?.lease_token).toBe('token-2');
      await expect(store.settle({ ...operation, status: 'SUCCEEDED' }, 'token-1')).rejects.toThrow(
        LeaseLostError,
      );
    });
  });

  describe('acquire', () => {
    it('takes a due retry once, however many invocations race for it', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const operation = claimedOperation(clock.now, {
        status: 'PENDING_RETRY',
        lease_token: undefined,
        lease_expires_at: undefined,
        next_attempt_at: clock.now - 1,
      });
      await store.create(operation);
      const racers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.acquire(operation.operation_id, 'due', { token: `t${i}`, expiresAt: clock.now + 30_000 }),
        ),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await store.due(10)).toEqual([]);
    });

    it('does not take a retry before it is due, nor an operation under a live lease', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const later = claimedOperation(clock.now, {
        status: 'PENDING_RETRY',
        lease_token: undefined,
        lease_expires_at: undefined,
        next_attempt_at: clock.now + 5_000,
      });
      const leased = claimedOperation(clock.now);
      await store.create(later);
      await store.create(leased);
      const lease = { token: 'x', expiresAt: clock.now + 1 };
      expect(await store.acquire(later.operation_id, 'due', lease)).toBeUndefined();
      expect(await store.acquire(leased.operation_id, 'due', lease)).toBeUndefined();
      expect(await store.acquire('op_missing', 'due', lease)).toBeUndefined();
    });

    it('replays only DEAD or FAILED operations, with a fresh budget', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const dead = claimedOperation(clock.now - 10_000, {
        status: 'DEAD',
        attempts: 9,
        lease_token: undefined,
      });
      const done = claimedOperation(clock.now, { status: 'SUCCEEDED', lease_token: undefined });
      await store.create(dead);
      await store.create(done);
      const lease = { token: 'replay', expiresAt: clock.now + 30_000 };
      expect(await store.acquire(dead.operation_id, 'replay', lease)).toMatchObject({
        status: 'IN_PROGRESS',
        attempts: 0,
        budget_started_at: clock.now,
        lease_token: 'replay',
      });
      expect(await store.acquire(done.operation_id, 'replay', lease)).toBeUndefined();
    });
  });

  describe('due', () => {
    it('lists due retries and lapsed leases oldest first, and nothing else', async () => {
      const { store, clock } = await testStore(local.dynamo);
      const pending = (at: number) =>
        claimedOperation(clock.now, {
          status: 'PENDING_RETRY',
          lease_token: undefined,
          lease_expires_at: undefined,
          next_attempt_at: at,
        });
      const [late, early, future] = [
        pending(clock.now - 10),
        pending(clock.now - 500),
        pending(clock.now + 500),
      ];
      const lapsed = claimedOperation(clock.now, { lease_expires_at: clock.now - 100 });
      const done = claimedOperation(clock.now, { status: 'SUCCEEDED', next_attempt_at: clock.now - 1000 });
      for (const operation of [late, early, future, lapsed, done]) await store.create(operation);
      expect((await store.due(10)).map((due) => due.operationId)).toEqual([
        early.operation_id,
        lapsed.operation_id,
        late.operation_id,
      ]);
      expect(await store.due(1)).toHaveLength(1);
    });
  });
});
