import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { SellerRegistry } from '#lib/sellers/registry.ts';
import type { SellerAuthorization } from '#lib/sellers/seller.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import { useTestDynamo } from '#test/helpers/dynamo.ts';
import { DAY, sellerAuthorization, T0 } from '#test/helpers/sellers.ts';

const local = useTestDynamo();
const LEASE_MS = 60_000;
let tables = 0;

/**
 * A registry over a fresh sellers table, with a clock the test moves; `sent` lists the requests it
 * made, by command, on the wire of its own client.
 */
async function freshRegistry(clock = { now: T0 }) {
  const tableName = `sellers-${++tables}`;
  await local.dynamo.client.send(new CreateTableCommand({ TableName: tableName, ...sellersTableDefinition }));
  const sent: string[] = [];
  const client = new DynamoDBClient({
    endpoint: local.dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const registry = new SellerRegistry({ client, tableName, now: () => clock.now });
  return { clock, registry, sent };
}

const authorization = sellerAuthorization;

/** Stores an authorization as the callback does: held, then saved under the lease. */
async function authorize(registry: SellerRegistry, sellerId: string, a: SellerAuthorization, now: number) {
  const token = `authorize-${sellerId}`;
  expect(await registry.hold(sellerId, token, now + LEASE_MS)).toBeDefined();
  expect(await registry.save({ seller_id: sellerId, authorization: a }, token)).toBe(true);
}

describe('SellerRegistry against dynalite', () => {
  describe('hold', () => {
    it('gives a seller to one holder at a time', async () => {
      const { registry, clock } = await freshRegistry();
      expect(await registry.hold('shop-1', 'a', clock.now + LEASE_MS)).toEqual({
        seller_id: 'shop-1',
        lease_token: 'a',
        lease_expires_at: clock.now + LEASE_MS,
      });
      expect(await registry.hold('shop-1', 'b', clock.now + LEASE_MS)).toBeUndefined();

      const racing = await Promise.all(
        ['c', 'd', 'e', 'f', 'g'].map((token) => registry.hold('shop-2', token, clock.now + LEASE_MS)),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);
    });

    it("lets another holder take the seller over once the lease ended by the store's clock", async () => {
      const { registry, clock } = await freshRegistry();
      const until = clock.now + LEASE_MS;
      await registry.hold('shop-1', 'first', until);

      clock.now = until - 1;
      expect(await registry.hold('shop-1', 'second', clock.now + LEASE_MS)).toBeUndefined();
      clock.now = until + 1;
      expect(await registry.hold('shop-1', 'second', clock.now + LEASE_MS)).toMatchObject({
        lease_token: 'second',
      });
      // The first holder, late, can no longer write.
      expect(await registry.save({ seller_id: 'shop-1', authorization: authorization() }, 'first')).toBe(
        false,
      );
    });

    it('returns the record as stored, its authorization included', async () => {
      const { registry, clock } = await freshRegistry();
      const a = authorization({ last_error: { code: 'Timeout', message: 'the platform timed out' } });
      await authorize(registry, 'shop-1', a, clock.now);

      expect(await registry.hold('shop-1', 'renewal', clock.now + LEASE_MS)).toEqual({
        seller_id: 'shop-1',
        authorization: a,
        lease_token: 'renewal',
        lease_expires_at: clock.now + LEASE_MS,
      });
    });

    it('takes one UpdateItem', async () => {
      const { registry, clock, sent } = await freshRegistry();
      await registry.hold('shop-1', 'a', clock.now + LEASE_MS);
      await registry.hold('shop-1', 'b', clock.now + LEASE_MS);
      expect(sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    });
  });

  describe('save', () => {
    it('writes the record under the holding token and gives the seller back', async () => {
      const { registry, clock, sent } = await freshRegistry();
      await registry.hold('shop-1', 'a', clock.now + LEASE_MS);
      sent.length = 0;

      expect(await registry.save({ seller_id: 'shop-1', authorization: authorization() }, 'a')).toBe(true);
      expect(sent).toEqual(['PutItemCommand']);
      expect(await registry.get('shop-1')).toEqual({ seller_id: 'shop-1', authorization: authorization() });
      // No lease is left: the next holder takes it at once, within the first lease's time.
      expect(await registry.hold('shop-1', 'b', clock.now + LEASE_MS)).toBeDefined();
    });

    it('refuses another token, leaving the record as it was', async () => {
      const { registry, clock } = await freshRegistry();
      await authorize(registry, 'shop-1', authorization(), clock.now);
      await registry.hold('shop-1', 'a', clock.now + LEASE_MS);

      const other = authorization({ generation: 2, platform_seller_id: 'someone-else' });
      expect(await registry.save({ seller_id: 'shop-1', authorization: other }, 'b')).toBe(false);
      expect((await registry.get('shop-1'))?.authorization).toEqual(authorization());
    });

    it('refuses a seller nobody holds', async () => {
      const { registry } = await freshRegistry();
      expect(await registry.save({ seller_id: 'shop-1', authorization: authorization() }, 'a')).toBe(false);
      expect(await registry.get('shop-1')).toBeUndefined();
    });
  });

  describe('release', () => {
    // `authorization` is a reserved word in DynamoDB expressions: a condition naming it bare is refused.
    it('removes a record that never got an authorization', async () => {
      const { registry, clock } = await freshRegistry();
      const held = await registry.hold('shop-1', 'a', clock.now + LEASE_MS);
      if (!held) throw new Error('expected to hold shop-1');

      await registry.release(held, 'a');
      expect(await registry.get('shop-1')).toBeUndefined();
      expect(await registry.hold('shop-1', 'b', clock.now + LEASE_MS)).toBeDefined();
    });

    // The same defect: the refused DeleteItem throws instead of leaving the new holder's record alone.
    it('leaves alone a pending record another holder took over', async () => {
      const { registry, clock } = await freshRegistry();
      const first = await registry.hold('shop-1', 'first', clock.now + LEASE_MS);
      if (!first) throw new Error('expected to hold shop-1');
      clock.now += LEASE_MS + 1;
      await registry.hold('shop-1', 'second', clock.now + LEASE_MS);

      await registry.release(first, 'first');
      expect(await registry.get('shop-1')).toMatchObject({ lease_token: 'second' });
    });

    it('keeps an authorized seller and lifts only the lease', async () => {
      const { registry, clock } = await freshRegistry();
      await authorize(registry, 'shop-1', authorization(), clock.now);
      const held = await registry.hold('shop-1', 'a', clock.now + LEASE_MS);
      if (!held) throw new Error('expected to hold shop-1');

      await registry.release(held, 'a');
      expect(await registry.get('shop-1')).toEqual({ seller_id: 'shop-1', authorization: authorization() });
      expect(await registry.hold('shop-1', 'b', clock.now + LEASE_MS)).toBeDefined();
    });

    it('leaves alone an authorized seller another holder took over', async () => {
      const { registry, clock } = await freshRegistry();
      await authorize(registry, 'shop-1', authorization(), clock.now);
      const first = await registry.hold('shop-1', 'first', clock.now + LEASE_MS);
      if (!first) throw new Error('expected to hold shop-1');
      clock.now += LEASE_MS + 1;
      await registry.hold('shop-1', 'second', clock.now + LEASE_MS);

      await registry.release(first, 'first');
      expect(await registry.get('shop-1')).toMatchObject({ lease_token: 'second' });
    });
  });

  describe('due, list and counts', () => {
    /**
     * Saved at T0: `fresh` next looked at on day 15, `older` (authorized 10 days before) on day 5,
     * `soon` (REAUTHORIZE_SOON) on day 7, `refused` never.
     */
    async function fourSellers() {
      const setup = await freshRegistry();
      const { registry, clock } = setup;
      await authorize(registry, 'fresh', authorization(), clock.now);
      await authorize(
        registry,
        'older',
        authorization({
          authorized_at: T0 - 10 * DAY,
          tokens_issued_at: T0 - 10 * DAY,
          access_token_expires_at: T0 + 20 * DAY,
          refresh_token_expires_at: T0 + 50 * DAY,
        }),
        clock.now,
      );
      await authorize(
        registry,
        'soon',
        authorization({
          authorized_at: T0 - 50 * DAY,
          tokens_issued_at: T0 - 8 * DAY,
          access_token_expires_at: T0 + 22 * DAY,
          refresh_token_expires_at: T0 + 10 * DAY,
        }),
        clock.now,
      );
      await authorize(registry, 'refused', authorization({ refused: true }), clock.now);
      return setup;
    }

    it('lists the sellers due by now in the renew and renew-soon partitions, and not those to reauthorize', async () => {
      const { registry } = await fourSellers();
      expect(await registry.due(T0 + 5 * DAY - 1, 10)).toEqual([]);
      expect(await registry.due(T0 + 5 * DAY, 10)).toEqual(['older']);
      expect([...(await registry.due(T0 + 7 * DAY, 10))].sort()).toEqual(['older', 'soon']);
      expect([...(await registry.due(T0 + 59 * DAY, 10))].sort()).toEqual(['fresh', 'older', 'soon']);
    });

    it('lists at most `limit` sellers', async () => {
      const { registry } = await fourSellers();
      const due = await registry.due(T0 + 59 * DAY, 2);
      expect(due).toHaveLength(2);
      expect(new Set(due).size).toBe(2);
      expect(await registry.due(T0 + 59 * DAY, 1)).toHaveLength(1);
    });

    // Across the two partitions: under a limit, a seller due for days comes before one due a moment ago.
    it('lists the soonest due first across both partitions, so a limit keeps the most overdue', async () => {
      const { registry } = await fourSellers();
      expect(await registry.due(T0 + 16 * DAY, 10)).toEqual(['older', 'soon', 'fresh']);
      expect(await registry.due(T0 + 16 * DAY, 1)).toEqual(['older']);
    });

    it('lists a record whose authorization never completed once its lease has lapsed', async () => {
      const { registry, clock } = await freshRegistry();
      await registry.hold('abandoned', 'callback', clock.now + LEASE_MS);
      expect(await registry.due(clock.now + LEASE_MS - 1, 10)).toEqual([]);
      expect(await registry.due(clock.now + LEASE_MS, 10)).toEqual(['abandoned']);
    });

    it('lists every authorized seller by id, those to reauthorize included, not a pending one', async () => {
      const { registry, clock } = await fourSellers();
      await registry.hold('pending', 'callback', clock.now + LEASE_MS);

      const listed = await registry.list();
      expect(listed.map((record) => record.seller_id)).toEqual(['fresh', 'older', 'refused', 'soon']);
      expect(listed.every((record) => record.lease_token === undefined)).toBe(true);
    });

    it('lists more sellers than one BatchGetItem takes, in chunks of 100', async () => {
      const { registry, clock, sent } = await freshRegistry();
      const ids = Array.from({ length: 105 }, (_, i) => `shop-${String(i).padStart(3, '0')}`);
      for (let start = 0; start < ids.length; start += 35) {
        await Promise.all(
          ids
            .slice(start, start + 35)
            .map((id) =>
              authorize(registry, id, authorization({ platform_seller_id: `p-${id}` }), clock.now),
            ),
        );
      }
      sent.length = 0;

      const listed = await registry.list();
      expect(listed.map((record) => record.seller_id)).toEqual(ids);
      expect(listed.map((record) => record.authorization?.platform_seller_id)).toEqual(
        ids.map((id) => `p-${id}`),
      );
      expect(sent.filter((name) => name === 'BatchGetItemCommand')).toHaveLength(2);
    });

    it('counts the sellers who must authorize again soon and now, as the index holds them', async () => {
      const { registry } = await fourSellers();
      expect(await registry.counts()).toEqual({ reauthorizeSoon: 1, reauthorize: 1 });
    });

    it('counts none in an empty table', async () => {
      const { registry } = await freshRegistry();
      expect(await registry.counts()).toEqual({ reauthorizeSoon: 0, reauthorize: 0 });
      expect(await registry.due(T0, 10)).toEqual([]);
      expect(await registry.list()).toEqual([]);
    });
  });

  describe('get', () => {
    it('answers undefined for a seller it does not have', async () => {
      const { registry } = await freshRegistry();
      expect(await registry.get('nobody')).toBeUndefined();
    });

    it('fails as the sellers store when the table cannot be reached', async () => {
      const registry = new SellerRegistry({ client: local.dynamo.client, tableName: 'no-such-table' });
      const error = await registry.get('shop-1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({
        store: 'sellers store',
        message: 'sellers store unavailable while trying to read a seller',
      });
    });
  });
});
