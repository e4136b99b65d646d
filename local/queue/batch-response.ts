import { MalformedBatchResponseError } from './errors.ts';

/**
 * The messages a handler reports as failed (`ReportBatchItemFailures`), by Lambda's rules: no response,
 * no list or an empty list is a complete success; an entry without a proper `itemIdentifier`, or one
 * naming a message not in the batch, throws {@link MalformedBatchResponseError} (a complete failure).
 */
export function failedMessageIds(response: unknown, batch: ReadonlySet<string>): ReadonlySet<string> {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) {
    throw new MalformedBatchResponseError(`expected an object, got ${describe(response)}`);
  }
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) {
    throw new MalformedBatchResponseError(`batchItemFailures must be a list, got ${describe(failures)}`);
  }
  const failed = new Set<string>();
  for (const [index, failure] of failures.entries()) {
    const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      throw new MalformedBatchResponseError(`batchItemFailures[${index}] has no itemIdentifier`);
    }
    if (!batch.has(id)) {
      throw new MalformedBatchResponseError(`batchItemFailures[${index}] names ${id}, not in the batch`);
    }
    failed.add(id);
  }
  return failed;
}

const describe = (value: unknown): string => (Array.isArray(value) ? 'a list' : typeof value);
