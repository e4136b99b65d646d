import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { AuthorizationStates, STATE_TTL_MS } from '#lib/sellers/authorization-states.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import { useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();
const T0 = Date.UTC(2026, 0, 1);
let tables = 0;

/** The states over a fresh sellers table, with a clock the test moves. */
async function freshStates(clock = { now: T0 }) {
  const tableName = `sellers-states-${++tables}`;
  await local.dynamo.client.send(new CreateTableCommand({ TableName: tableName, ...sellersTableDefinition }));
  const states = new AuthorizationStates({ client: local.dynamo.client, tableName, now: () => clock.now });
  const scan = async () =>
    ((await local.dynamo.client.send(new ScanCommand({ TableName: tableName }))).Items ?? []).map((item) =>
      unmarshall(item),
    );
  return { clock, states, scan };
}

describe('AuthorizationStates against dynalite', () => {
  it('gives back the seller a state was issued for, once', async () => {
    const { states } = await freshStates();
    const state = await states.issue('shop-1');

    expect(await states.consume(state)).toMatchObject({ sellerId: 'shop-1', expired: false });
    expect(await states.consume(state)).toBeUndefined();
  });

  it('binds each state to the seller it was issued for', async () => {
    const { states } = await freshStates();
    const forShop1 = await states.issue('shop-1');
    const forShop2 = await states.issue('shop-2');

    expect(await states.consume(forShop2)).toMatchObject({ sellerId: 'shop-2', expired: false });
    expect(await states.consume(forShop1)).toMatchObject({ sellerId: 'shop-1', expired: false });
  });

  it("says a state is expired from STATE_TTL_MS after its issue by the store's clock, and spends it still", async () => {
    const { states, clock } = await freshStates();
    const inTime = await states.issue('shop-1');
    const late = await states.issue('shop-1');

    clock.now = T0 + STATE_TTL_MS - 1;
    expect(await states.consume(inTime)).toMatchObject({ sellerId: 'shop-1', expired: false });
    clock.now = T0 + STATE_TTL_MS;
    expect(await states.consume(late)).toMatchObject({ sellerId: 'shop-1', expired: true });
    expect(await states.consume(late)).toBeUndefined();
  });

  it('puts a taken state back until its own end, and not past it', async () => {
    const { states, clock } = await freshStates();
    const state = await states.issue('shop-1');
    const taken = await states.consume(state);
    if (!taken) throw new Error('the state was not found');

    await states.restore(state, taken);
    clock.now = T0 + STATE_TTL_MS - 1;
    const again = await states.consume(state);
    expect(again).toEqual({ sellerId: 'shop-1', expiresAt: T0 + STATE_TTL_MS, expired: false });

    clock.now = T0 + STATE_TTL_MS;
    await states.restore(state, { ...taken, expired: true });
    expect(await states.consume(state)).toBeUndefined();
  });

  it('knows no forged state, nor one a character away from a real one', async () => {
    const { states } = await freshStates();
    const state = await states.issue('shop-1');
    const altered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;

    expect(await states.consume('A'.repeat(43))).toBeUndefined();
    expect(await states.consume(altered)).toBeUndefined();
    expect(await states.consume('')).toBeUndefined();
    expect(await states.consume(state)).toMatchObject({ sellerId: 'shop-1', expired: false });
  });

  it('keeps only a hash of the state: whoever reads the table cannot use it', async () => {
    const { states, scan } = await freshStates();
    const state = await states.issue('shop-1');

    const items = await scan();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ seller_id: 'shop-1', state_expires_at: T0 + STATE_TTL_MS });
    expect(JSON.stringify(items)).not.toContain(state);
    // Nor the table's key, used as a state.
    expect(await states.consume(String(items[0]?.pk).replace(/^state#/, ''))).toBeUndefined();
  });

  it("leaves the item to DynamoDB's TTL sweep no sooner than the state's end", async () => {
    const { states, scan } = await freshStates();
    await states.issue('shop-1');
    const [item] = await scan();
    expect(Number(item?.expires_at) * 1000).toBeGreaterThanOrEqual(T0 + STATE_TTL_MS);
  });

  it('issues 256-bit states, 43 base64url characters, a new one each time', async () => {
    const { states } = await freshStates();
    const issued = await Promise.all(Array.from({ length: 20 }, () => states.issue('shop-1')));

    for (const state of issued) expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(issued[0] ?? '', 'base64url')).toHaveLength(32);
    expect(new Set(issued).size).toBe(issued.length);
  });
});
