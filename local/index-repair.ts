import {
  DescribeTableCommand,
  type DynamoDBClient,
  paginateScan,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { finishRepair, type Item, REPAIR_MARK, removeOrphan, restoreEntry } from './index-repair-writes.ts';

/** What the repair of one global secondary index did. */
export interface IndexRepair {
  readonly table: string;
  readonly index: string;
  /** Items that hold the index's keys but had no entry: their entry is back. */
  readonly missing: number;
  /** Entries whose item is gone or holds other key values: removed. */
  readonly orphans: number;
  /**
   * Entries whose keys match their item's but whose projected attributes (an INCLUDE or ALL index)
   * hold values from a write the item never got: rewritten from the item.
   */
  readonly stale: number;
  /** Repairs a killed start left half done: finished. */
  readonly finished: number;
}

export interface RepairOptions {
  /** The table's TTL attribute: a placeholder item carries 0 there, so every reader takes it as expired. */
  readonly ttlAttribute?: string;
}

/** The table's indexes could not be checked or repaired. */
export class IndexRepairError extends Error {
  readonly table: string;
  constructor(table: string, cause: unknown) {
    super(`could not check the indexes of table ${table}: ${(cause as Error).message}`, { cause });
    this.name = 'IndexRepairError';
    this.table = table;
  }
}

/**
 * Brings each global secondary index of `table` back in line with its items, through the DynamoDB API.
 * dynalite writes an item's index entries and the item itself as separate LevelDB writes, so a SIGKILL
 * in between leaves an item without its entry (never found through the index) or an entry without
 * its item (found, and taken by nobody). To be run before anything else uses the table.
 */
export async function repairIndexes(
  client: DynamoDBClient,
  table: string,
  options: RepairOptions = {},
): Promise<IndexRepair[]> {
  try {
    const { Table: description } = await client.send(new DescribeTableCommand({ TableName: table }));
    const tableKeys = (description?.KeySchema ?? []).map((key) => key.AttributeName ?? '');
    const indexes = (description?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName ?? '',
      keys: (index.KeySchema ?? []).map((key) => key.AttributeName ?? ''),
      // What its entries hold besides the keys: none (KEYS_ONLY), some (INCLUDE), all (ALL).
      projected:
        index.Projection?.ProjectionType === 'ALL'
          ? ('all' as const)
          : index.Projection?.ProjectionType === 'INCLUDE'
            ? (index.Projection.NonKeyAttributes ?? [])
            : [],
    }));
    const blank = (index: string) => ({ table, index, missing: 0, orphans: 0, stale: 0, finished: 0 });
    const repairs = new Map(indexes.map((index) => [index.name, blank(index.name)]));
    // First what a killed start left half done: until then its item holds an orphan's key values, which
    // its entry agrees with, so the comparison below would see nothing wrong.
    const marked = await scan(
      client,
      { TableName: table, ConsistentRead: true },
      [...tableKeys, REPAIR_MARK],
      [REPAIR_MARK],
    );
    for (const item of marked) {
      if (!(await finishRepair(client, table, tableKeys, item))) continue;
      const index = item[REPAIR_MARK]?.M?.index?.S ?? '?';
      const repair = repairs.get(index) ?? blank(index);
      repair.finished++;
      repairs.set(index, repair);
    }
    for (const index of indexes) {
      const repair = repairs.get(index.name);
      if (!repair) continue;
      const keys = [...new Set([...tableKeys, ...index.keys])];
      const attributes = index.projected === 'all' ? undefined : [...new Set([...keys, ...index.projected])];
      const identity = (item: Item) => JSON.stringify(keys.map((name) => item[name]));
      // What an entry should hold of its item: the keys and the projected attributes.
      const content = (item: Item) =>
        canonical(Object.fromEntries((attributes ?? Object.keys(item)).map((name) => [name, item[name]])));
      const items = await scan(client, { TableName: table, ConsistentRead: true }, attributes, index.keys);
      const entries = await scan(client, { TableName: table, IndexName: index.name }, attributes, index.keys);
      const indexed = new Set(entries.map(identity));
      const stored = new Map(items.map((item) => [identity(item), item]));
      // Orphans first: removing one rewrites its item, which puts that item's own entry back too.
      for (const entry of entries.filter((entry) => !stored.has(identity(entry)))) {
        if (await removeOrphan(client, table, tableKeys, index, entry, options.ttlAttribute))
          repair.orphans++;
      }
      for (const item of items.filter((item) => !indexed.has(identity(item)))) {
        if (await restoreEntry(client, table, tableKeys, index.keys, item)) repair.missing++;
      }
      // An entry with its item's keys but other projected values: rewriting the item's index keys
      // as they are makes dynalite put the entry afresh from the item.
      if (index.projected.length === 0) continue;
      for (const entry of entries) {
        const item = stored.get(identity(entry));
        if (!item || content(item) === content(entry)) continue;
        if (await restoreEntry(client, table, tableKeys, index.keys, item)) repair.stale++;
      }
    }
    return [...repairs.values()];
  } catch (error) {
    throw new IndexRepairError(table, error);
  }
}

/** JSON with every map's members in name order: an entry and its item may list them apart. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name)}:${canonical(member)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line saying what was repaired, or undefined when the index needed nothing. */
export function describeIndexRepair(repair: IndexRepair): string | undefined {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    repair.missing > 0 && `${count(repair.missing, 'missing entry', 'missing entries')} restored`,
    repair.orphans > 0 && `${count(repair.orphans, 'orphan', 'orphans')} removed`,
    repair.stale > 0 && `${count(repair.stale, 'stale entry', 'stale entries')} refreshed`,
    repair.finished > 0 && `${count(repair.finished, 'interrupted repair', 'interrupted repairs')} finished`,
  ].filter(Boolean);
  return parts.length > 0 ? `repaired ${repair.table}.${repair.index}: ${parts.join(', ')}` : undefined;
}

/**
 * Every item (of the table or the index) holding all of `required`, with only `attributes` (every
 * attribute when undefined).
 */
async function scan(
  client: DynamoDBClient,
  input: Pick<ScanCommandInput, 'TableName' | 'IndexName' | 'ConsistentRead'>,
  attributes: string[] | undefined,
  required: string[],
): Promise<Item[]> {
  // Aliases, so that no reserved word gets in the way.
  const named = [...new Set([...(attributes ?? []), ...required])];
  const names = Object.fromEntries(named.map((name, i) => [`#n${i}`, name]));
  const alias = (name: string) => `#n${named.indexOf(name)}`;
  const items: Item[] = [];
  for await (const page of paginateScan(
    { client },
    {
      ...input,
      ...(attributes && { ProjectionExpression: attributes.map(alias).join(', ') }),
      FilterExpression: required.map((name) => `attribute_exists(${alias(name)})`).join(' AND '),
      ExpressionAttributeNames: names,
    },
  )) {
    items.push(...(page.Items ?? []));
  }
  return items;
}
