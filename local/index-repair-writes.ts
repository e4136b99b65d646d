import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** An item, or an index entry, in the API's own form: numbers stay the exact strings stored. */
export type Item = Record<string, AttributeValue>;

/**
 * Left on an item by the first of an orphan's two repair writes, in that same write, and removed by the
 * second: what to restore (or that the item is a placeholder to delete), so a start killed between the
 * two finishes the job at the next start.
 */
export const REPAIR_MARK = 'local_index_repair';

/*
 * Why a SIGKILL during the repair loses nothing, and why the next start finishes it. dynalite applies
 * each write below as: delete the item's old index entries, put its new ones, then write the item, which
 * is one atomic LevelDB put. So:
 * - Restoring a missing entry rewrites the index key attributes with the values they hold: the item never
 *   changes, and a kill anywhere leaves the same drift, or none, for the next start.
 * - Removing an orphan whose item exists takes two writes: give the item the orphan's key values (which
 *   puts an entry over the orphan, the same key), then give it its own back (which deletes that entry and
 *   puts the right one). The first write records the values to restore in the item, in the item's own
 *   atomic put: a kill before that put leaves the item as it was (the drift is found again); after it,
 *   the mark is there and the next start restores the item before it compares anything. The second write
 *   removes the mark in its item put, so a kill before that put only means restoring again.
 * - Removing an orphan without an item: a placeholder with the orphan's key values, marked and already
 *   expired (readers take it as absent), then its deletion. A kill leaves the orphan (found again) or a
 *   marked placeholder, which the next start deletes. Only marked placeholders are ever deleted.
 * Every write is conditioned on the item being as read, so none of them acts on an item that has moved.
 */

/** Gives the item its index key attributes again: dynalite puts its entry on every write. */
export async function restoreEntry(
  client: DynamoDBClient,
  table: string,
  tableKeys: string[],
  indexKeys: string[],
  item: Item,
): Promise<boolean> {
  const attributes = indexKeys.filter((name) => !tableKeys.includes(name));
  if (attributes.length === 0) return false;
  const names = aliases(attributes);
  const values = Object.fromEntries(attributes.map((name, i) => [`:v${i}`, item[name] as AttributeValue]));
  return conditional(
    client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: pick(item, tableKeys),
        UpdateExpression: `SET ${attributes.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
        ConditionExpression: attributes.map((_, i) => `#n${i} = :v${i}`).join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** Writes an item over the orphan's key and then writes it back, or a placeholder, then deletes it. */
export async function removeOrphan(
  client: DynamoDBClient,
  table: string,
  tableKeys: string[],
  index: { name: string; keys: string[] },
  entry: Item,
  ttlAttribute: string | undefined,
): Promise<boolean> {
  const key = pick(entry, tableKeys);
  const attributes = index.keys.filter((name) => !tableKeys.includes(name));
  const { Item: item } = await client.send(
    new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
  );
  // Marked items were finished before the comparison: one marked since has moved on, and is left alone.
  if (item?.[REPAIR_MARK]) return false;
  if (!item) {
    const placeholder: Item = {
      ...pick(entry, [...tableKeys, ...attributes]),
      // Already expired: should it ever outlive the repair, every reader takes it as absent.
      ...(ttlAttribute && { [ttlAttribute]: { N: '0' } }),
      [REPAIR_MARK]: { M: { index: { S: index.name }, placeholder: { BOOL: true } } },
    };
    const placed = await conditional(
      client.send(
        new PutItemCommand({
          TableName: table,
          Item: placeholder,
          ConditionExpression: 'attribute_not_exists(#n0)',
          ExpressionAttributeNames: { '#n0': tableKeys[0] ?? '' },
        }),
      ),
    );
    return placed && (await finishRepair(client, table, tableKeys, placeholder));
  }
  const present = attributes.filter((name) => item[name] !== undefined);
  const mark: AttributeValue = {
    M: {
      index: { S: index.name },
      set: { M: pick(item, present) },
      remove: { L: attributes.filter((name) => !present.includes(name)).map((name) => ({ S: name })) },
    },
  };
  const names = { ...aliases(attributes), '#mark': REPAIR_MARK };
  const values: Item = { ':mark': mark };
  const conditions = ['attribute_not_exists(#mark)'];
  attributes.forEach((name, i) => {
    values[`:orphan${i}`] = entry[name] as AttributeValue;
    if (item[name] === undefined) conditions.push(`attribute_not_exists(#n${i})`);
    else {
      values[`:was${i}`] = item[name];
      conditions.push(`#n${i} = :was${i}`);
    }
  });
  const marked = await conditional(
    client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${[...attributes.map((_, i) => `#n${i} = :orphan${i}`), '#mark = :mark'].join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  return marked && (await finishRepair(client, table, tableKeys, { ...key, [REPAIR_MARK]: mark }));
}

/** The second write of an orphan's removal, as the item's mark says; false if the mark was gone. */
export async function finishRepair(
  client: DynamoDBClient,
  table: string,
  tableKeys: string[],
  item: Item,
): Promise<boolean> {
  const mark = item[REPAIR_MARK]?.M ?? {};
  const key = pick(item, tableKeys);
  if (mark.placeholder?.BOOL) {
    return conditional(
      client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: key,
          ConditionExpression: 'attribute_exists(#mark)',
          ExpressionAttributeNames: { '#mark': REPAIR_MARK },
        }),
      ),
    );
  }
  const set = Object.entries(mark.set?.M ?? {});
  const remove = (mark.remove?.L ?? []).map((name) => name.S ?? '');
  const setNames = aliases(Object.keys(mark.set?.M ?? {}), 's');
  const removeNames = aliases(remove, 'r');
  const clauses = [
    set.length > 0 && `SET ${set.map((_, i) => `#s${i} = :s${i}`).join(', ')}`,
    `REMOVE ${[...Object.keys(removeNames), '#mark'].join(', ')}`,
  ];
  return conditional(
    client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: clauses.filter(Boolean).join(' '),
        ConditionExpression: 'attribute_exists(#mark)',
        ExpressionAttributeNames: { ...setNames, ...removeNames, '#mark': REPAIR_MARK },
        ...(set.length > 0 && {
          ExpressionAttributeValues: Object.fromEntries(set.map(([, value], i) => [`:s${i}`, value])),
        }),
      }),
    ),
  );
}

/** `#<prefix>0`, `#<prefix>1`, … for the names, so that no reserved word gets in the way. */
const aliases = (names: string[], prefix = 'n') =>
  Object.fromEntries(names.map((name, i) => [`#${prefix}${i}`, name]));

const pick = (item: Item, names: string[]): Item =>
  Object.fromEntries(names.flatMap((name) => (item[name] ? [[name, item[name]]] : [])));

/** True once the write is done; false when its condition failed: the item moved, so it is left alone. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
