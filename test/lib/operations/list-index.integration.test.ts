import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ListRange,
  type MergedPosition,
  readListPage,
  readMergedPage,
  type SendQuery,
} from '#lib/operations/list-index.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();
const TABLE = 'list-index';
let documents: DynamoDBDocumentClient;
let queries = 0;
const send: SendQuery = (input) => {
  queries++;
  return documents.send(new QueryCommand(input));
};
const asIs = async (entries: Record<string, unknown>[]) => entries.map((entry) => String(entry.pk));

// Three partitions of 40 entries each; partitions a and b share every other time exactly, c's times
// fall between; one entry in 20 of c has `flow` keep (a projected attribute), the rest a filter skips.
const ITEMS = ['a', 'b', 'c'].flatMap((shard) =>
  Array.from({ length: 40 }, (_, i) => ({
    pk: `${shard}#${String(i).padStart(2, '0')}`,
    list_shard: shard,
    list_at:
      shard === 'c' ? 1_000 + i * 10 + 5.5 : 1_000 + i * 10 + (shard === 'a' || i % 2 === 0 ? 0.25 : 0.75),
    flow: shard !== 'c' || i % 20 === 7 ? 'keep' : 'skip',
  })),
);

beforeAll(async () => {
  await local.dynamo.client.send(new CreateTableCommand({ TableName: TABLE, ...operationsTableDefinition }));
  documents = DynamoDBDocumentClient.from(local.dynamo.client);
  for (let i = 0; i < ITEMS.length; i += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: ITEMS.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
});

/** The entries of `shards` passing `keep`, in the merge's order: time, then key (newest: both reversed). */
const expected = (shards: string[], order: 'newest' | 'oldest', onlyKept = false) => {
  const sorted = ITEMS.filter(
    (item) => shards.includes(item.list_shard) && (!onlyKept || item.flow === 'keep'),
  )
    .sort((x, y) => x.list_at - y.list_at || (x.pk < y.pk ? -1 : 1))
    .map((item) => item.pk);
  return order === 'newest' ? sorted.reverse() : sorted;
};

async function readAll(ranges: ListRange[], order: 'newest' | 'oldest', limit: number) {
  const pages: string[][] = [];
  let after: MergedPosition | undefined;
  do {
    const page = await readMergedPage(send, TABLE, ranges, order, limit, after, asIs);
    pages.push([...page.items]);
    after = page.next;
  } while (after);
  return pages;
}

describe('readMergedPage', () => {
  it('merges partitions newest first, equal times in key order, each entry once, ending exactly', async () => {
    const pages = await readAll([{ shard: 'a' }, { shard: 'b' }, { shard: 'c' }], 'newest', 7);

    expect(pages.flat()).toEqual(expected(['a', 'b', 'c'], 'newest'));
    // 120 entries, 7 a page: 17 full pages and one of 1, after which nothing is handed out.
    expect(pages.map((page) => page.length)).toEqual([...Array(17).fill(7), 1]);
  });

  it('merges oldest first too, and reads a window of creation times (until exclusive)', async () => {
    const pages = await readAll(
      [
        { shard: 'a', since: 1_100, until: 1_200.25 },
        { shard: 'b', since: 1_100, until: 1_200.25 },
      ],
      'oldest',
      4,
    );

    const inWindow = ITEMS.filter(
      (item) => item.list_shard !== 'c' && item.list_at >= 1_100 && item.list_at < 1_200.25 - 0.0005,
    ).map((item) => item.pk);
    expect(pages.flat()).toEqual(expected(['a', 'b'], 'oldest').filter((pk) => inWindow.includes(pk)));
  });

  it('fills pages across a partition a filter mostly skips, reading more at once after the first skip', async () => {
    const keep = { expression: '#flow = :keep', names: { '#flow': 'flow' }, values: { ':keep': 'keep' } };
    queries = 0;

    const pages = await readAll([{ shard: 'c', filter: keep }], 'newest', 1);

    expect(pages.flat()).toEqual(expected(['c'], 'newest', true));
    expect(pages.flat()).toEqual(['c#27', 'c#07']);
    // Page 1: 2 entries read, none kept, then the rest at once. Page 2 likewise, from after c#27.
    expect(queries).toBeLessThanOrEqual(4);
  });

  it('gives a single partition’s page a plain position', async () => {
    const first = await readListPage(send, TABLE, { shard: 'a' }, 'newest', 3, undefined, asIs);
    const second = await readListPage(send, TABLE, { shard: 'a' }, 'newest', 3, first.next, asIs);

    expect(first.next).toEqual({ at: 1_370.25, pk: 'a#37' });
    expect([...first.items, ...second.items]).toEqual(expected(['a'], 'newest').slice(0, 6));
  });

  it('reads nothing for an empty window', async () => {
    queries = 0;
    const page = await readMergedPage(
      send,
      TABLE,
      [{ shard: 'a', since: 2_000, until: 1_000 }],
      'newest',
      5,
      undefined,
      asIs,
    );

    expect(page).toEqual({ items: [], next: undefined });
    expect(queries).toBe(0);
  });
});

describe('readMergedPage when filters keep nothing', () => {
  it('reads each partition to its end within a page’s Queries, and hands out no position', async () => {
    const nothing = { expression: '#flow = :none', names: { '#flow': 'flow' }, values: { ':none': 'none' } };
    const ranges = ['a', 'b', 'c'].map((shard) => ({ shard, filter: nothing }));
    let pages = 0;
    let after: MergedPosition | undefined;
    do {
      queries = 0;
      const page = await readMergedPage(send, TABLE, ranges, 'newest', 1, after, asIs);
      expect(page.items).toEqual([]);
      expect(queries).toBeLessThanOrEqual(25);
      after = page.next;
      pages++;
    } while (after && pages < 50);

    expect(after).toBeUndefined();
  });
});
