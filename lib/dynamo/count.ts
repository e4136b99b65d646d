import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

/** Sends one Query page; the store's own call, so its failures name that store. */
export type SendCount = (
  input: QueryCommandInput,
) => Promise<Pick<QueryCommandOutput, 'Count' | 'LastEvaluatedKey'>>;

/**
 * How many items a Query matches, through `Select: 'COUNT'` pages (each reads up to 1 MB); with
 * `maxPages`, `complete` is false when it stopped there, the count then being a lower bound.
 */
export async function countQuery(
  send: SendCount,
  input: QueryCommandInput,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ readonly count: number; readonly complete: boolean }> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { Count = 0, LastEvaluatedKey } = await send({
      ...input,
      Select: 'COUNT',
      ...(start && { ExclusiveStartKey: start }),
    });
    count += Count;
    if (!LastEvaluatedKey) return { count, complete: true };
    start = LastEvaluatedKey;
  }
  return { count, complete: false };
}
