import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { countQuery } from '#lib/dynamo/count.ts';
import { LIST_INDEX } from './table.ts';

/** Where a page of a `list` partition stopped: the sort key and the item key of its last entry. */
export interface ListPosition {
  readonly at: number;
  readonly pk: string;
}

/**
 * Where a page read across several partitions stopped, partition by partition: the position to go
 * on from, `null` for a partition read to its end, absent for one not read yet.
 */
export type MergedPosition = Readonly<Record<string, ListPosition | null>>;

/** Which entries of one `list` partition a page reads. */
export interface ListRange {
  readonly shard: string;
  /** Creation time, epoch ms: entries from `since` (inclusive) to `until` (exclusive). */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** A FilterExpression on projected attributes, applied before a page is counted as filled. */
  readonly filter?: IndexFilter | undefined;
}

export interface IndexFilter {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

export type ListOrder = 'newest' | 'oldest';

/** Sends one Query; each store wraps it in its own error handling. */
export type SendQuery = (
  input: QueryCommandInput,
) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count'>>;

export interface IndexPage<T, P = ListPosition> {
  readonly items: readonly T[];
  /** Where the next page starts; `undefined` once the range is read to its end. */
  readonly next: P | undefined;
}

// Queries one page may take when filters skip entries: a page may then hold fewer items than asked,
// with a position to go on from, rather than run the invocation out of time.
const MAX_QUERIES_PER_PAGE = 25;
// Entries a Query evaluates at least once a filter has skipped some in that partition: more index
// entries cost next to nothing (entries are small, read units count bytes), a round trip per few
// entries would.
const MIN_FILTERED_READ = 500;
// `until` is exclusive: sort keys are whole milliseconds plus thousandths (indexTime), so the
// inclusive BETWEEN bound sits half a thousandth below it.
const BELOW = 0.0005;

/**
 * One page of a `list` partition, `limit` entries in `order`, from `after`; see {@link readMergedPage}.
 */
export async function readListPage<T>(
  send: SendQuery,
  table: string,
  range: ListRange,
  order: ListOrder,
  limit: number,
  after: ListPosition | undefined,
  resolve: (entries: Record<string, unknown>[]) => Promise<T[]>,
): Promise<IndexPage<T>> {
  const page = await readMergedPage(
    send,
    table,
    [range],
    order,
    limit,
    after && { [range.shard]: after },
    resolve,
  );
  return { items: page.items, next: page.next && (page.next[range.shard] ?? after) };
}

/**
 * One page of entries of several `list` partitions merged in one order (their sort key, creation
 * time), `limit` at most, from `after`: a lazy k-way merge, each partition read a Query at a time as
 * the merge needs it. Filled across Queries when filters skip entries, and exact at the end: a page
 * after which nothing is left says so (`next` undefined) rather than hand out a position whose page
 * is empty. `resolve` turns the entries taken into items (a BatchGetItem where the index holds keys
 * only); an entry it drops is still read past.
 */
export async function readMergedPage<T>(
  send: SendQuery,
  table: string,
  ranges: readonly ListRange[],
  order: ListOrder,
  limit: number,
  after: MergedPosition | undefined,
  resolve: (entries: Record<string, unknown>[]) => Promise<T[]>,
): Promise<IndexPage<T, MergedPosition>> {
  const streams = ranges.flatMap((range): Stream[] => {
    if (range.since !== undefined && range.until !== undefined && range.since >= range.until) return [];
    const from = after?.[range.shard];
    if (from === null) return [];
    return [{ range, buffer: [], start: from && startKey(range.shard, from), ended: false, skipping: false }];
  });
  const taken: Record<string, unknown>[] = [];
  const newer = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    order === 'newest' ? compare(a, b) > 0 : compare(a, b) < 0;
  let queries = 0;
  let cappedOut = false;
  for (;;) {
    // Every partition with more to read must show its next entry before the merge can pick.
    for (;;) {
      const needy = streams.filter((stream) => stream.buffer.length === 0 && !stream.ended);
      if (needy.length === 0) break;
      // The first round reads every partition whatever their number, so each page makes progress.
      if (queries > 0 && queries + needy.length > MAX_QUERIES_PER_PAGE) {
        cappedOut = true;
        break;
      }
      queries += needy.length;
      const want = limit - taken.length + 1;
      await Promise.all(
        needy.map(async (stream) => {
          // The entries wanted and one more; more at once after a filter skipped entries.
          const Limit = stream.skipping ? Math.max(want, MIN_FILTERED_READ) : want;
          const { Items = [], LastEvaluatedKey } = await send({
            ...rangeQuery(table, stream.range, order),
            Limit,
            ...(stream.start && { ExclusiveStartKey: stream.start }),
          });
          stream.buffer.push(...Items);
          stream.start = LastEvaluatedKey;
          stream.ended = !LastEvaluatedKey;
          stream.skipping = Items.length < Limit && !stream.ended;
        }),
      );
    }
    if (cappedOut) break;
    let next: Stream | undefined;
    for (const stream of streams) {
      const head = stream.buffer[0];
      if (head && (!next || newer(head, next.buffer[0] as Record<string, unknown>))) next = stream;
    }
    if (!next) break;
    // One entry beyond the page is what tells a next page apart from the end.
    if (taken.length === limit) break;
    const entry = next.buffer.shift() as Record<string, unknown>;
    next.lastTaken = entry;
    taken.push(entry);
  }
  const items = taken.length > 0 ? await resolve(taken) : [];
  const more = streams.some((stream) => stream.buffer.length > 0 || !stream.ended);
  if (!more) return { items, next: undefined };
  const positions: Record<string, ListPosition | null> = { ...after };
  for (const stream of streams) {
    const { shard } = stream.range;
    if (stream.buffer.length === 0 && stream.ended) positions[shard] = null;
    else if (stream.buffer.length > 0) {
      // Entries read but not taken are read again by the next page.
      const last = stream.lastTaken;
      if (last) positions[shard] = positionOf(last);
    } else if (stream.start) {
      // Read past (filtered out) up to here: the next page goes on from it.
      positions[shard] = positionOf(stream.start);
    }
  }
  return { items, next: positions };
}

/**
 * How many entries of a `list` partition pass the filter, through `Select: 'COUNT'` Queries (each
 * reads up to 1 MB of entries); `complete` is false when it stopped after `maxPages`, the count then
 * being a lower bound.
 */
export function countListEntries(
  send: SendQuery,
  table: string,
  range: ListRange,
  maxPages: number,
): Promise<{ readonly count: number; readonly complete: boolean }> {
  return countQuery(send, rangeQuery(table, range, 'oldest'), maxPages);
}

interface Stream {
  readonly range: ListRange;
  /** Entries read, not taken yet, in the merge's order. */
  readonly buffer: Record<string, unknown>[];
  /** Where its next Query starts. */
  start: Record<string, unknown> | undefined;
  /** Its last Query reached the end of the range. */
  ended: boolean;
  /** Its last Query's filter skipped entries: the next reads more at once. */
  skipping: boolean;
  lastTaken?: Record<string, unknown>;
}

function rangeQuery(table: string, range: ListRange, order: ListOrder): QueryCommandInput {
  const { since, until, filter } = range;
  const bounds =
    since !== undefined && until !== undefined
      ? {
          condition: ' AND list_at BETWEEN :since AND :before',
          values: { ':since': since, ':before': until - BELOW },
        }
      : since !== undefined
        ? { condition: ' AND list_at >= :since', values: { ':since': since } }
        : until !== undefined
          ? { condition: ' AND list_at < :until', values: { ':until': until } }
          : { condition: '', values: {} };
  return {
    TableName: table,
    IndexName: LIST_INDEX,
    KeyConditionExpression: `list_shard = :shard${bounds.condition}`,
    ExpressionAttributeValues: { ':shard': range.shard, ...bounds.values, ...filter?.values },
    ...(filter && { FilterExpression: filter.expression }),
    ...(filter?.names && { ExpressionAttributeNames: filter.names }),
    ScanIndexForward: order === 'oldest',
  };
}

/** Entries of different partitions in the index's order: the sort key, then the item key. */
function compare(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const at = Number(a.list_at) - Number(b.list_at);
  if (at !== 0) return at;
  const [pa, pb] = [String(a.pk), String(b.pk)];
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

const startKey = (shard: string, position: ListPosition) => ({
  list_shard: shard,
  list_at: position.at,
  pk: position.pk,
});

const positionOf = (entry: Record<string, unknown>): ListPosition => ({
  at: Number(entry.list_at),
  pk: String(entry.pk),
});
