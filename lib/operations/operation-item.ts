import * as z from 'zod/mini';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { itemKey } from './keys.ts';
import { FLOWS, OPERATION_ERROR_KINDS, OPERATION_STATUSES, type Operation } from './operation.ts';
import type { ListedOperation } from './store.ts';
import { DUE_SHARD, indexTime, operationListShard } from './table.ts';

const text = z.string();
const time = z.number();

// What an operation item must hold to be read back; the key and index attributes are dropped.
const OperationItem = z.object({
  operation_id: text.check(z.minLength(1)),
  flow: z.enum(FLOWS),
  webhook_id: text,
  payload_hash: text,
  status: z.enum(OPERATION_STATUSES),
  attempts: z.number().check(z.int(), z.nonnegative()),
  created_at: time,
  updated_at: time,
  budget_started_at: time,
  next_attempt_at: z.optional(time),
  lease_token: z.optional(text),
  lease_expires_at: z.optional(time),
  request: z.object({
    method: text,
    seller_id: z.optional(text),
    params: z.record(z.string(), z.unknown()),
  }),
  guards: z.object({
    order_keys: z.optional(z.array(text)),
    occurred_at: z.optional(time),
    order_status: z.optional(text),
    dedupe_key: z.optional(text),
  }),
  top_request_id: z.optional(text),
  result: z.optional(z.unknown()),
  last_error: z.optional(
    z.object({
      kind: z.enum(OPERATION_ERROR_KINDS),
      message: text,
      code: z.optional(z.union([z.number(), text])),
      sub_code: z.optional(text),
      sub_msg: z.optional(text),
      top_request_id: z.optional(text),
    }),
  ),
  duplicate_of: z.optional(text),
  outcome_unknown: z.optional(z.boolean()),
  reconciled: z.optional(z.boolean()),
  expires_at: time,
});

/**
 * The stored item: the operation, its key, its place in the `list` index (its status, by creation:
 * every write goes through here or sets `list_shard` with the status, so the entry follows it) and
 * its place in the due index when it has one.
 */
export function operationToItem(operation: Operation): Record<string, unknown> {
  const key = itemKey.operation(operation.operation_id);
  const dueAt =
    operation.status === 'PENDING_RETRY'
      ? operation.next_attempt_at
      : operation.status === 'IN_PROGRESS'
        ? operation.lease_expires_at
        : undefined;
  return {
    ...key,
    ...operation,
    list_shard: operationListShard(operation.status),
    list_at: indexTime(operation.created_at, key.pk),
    ...(dueAt === undefined ? {} : { due_shard: DUE_SHARD, due_at: indexTime(dueAt, key.pk) }),
  };
}

/** The operation an item holds, checked field by field. Throws {@link CorruptItemError}. */
export function operationFromItem(item: Record<string, unknown>): Operation {
  const parsed = OperationItem.safeParse(item);
  if (!parsed.success) {
    throw new CorruptItemError('operation', issuePaths(parsed.error.issues));
  }
  return parsed.data;
}

// What an entry of the `list` index holds of an operation (OPERATION_LIST_ATTRIBUTES).
const ListedOperationEntry = z.pick(OperationItem, {
  operation_id: true,
  flow: true,
  status: true,
  attempts: true,
  created_at: true,
  updated_at: true,
  last_error: true,
});

/** The listed fields of an operation, from its `list` index entry. Throws {@link CorruptItemError}. */
export function listedOperationFromEntry(entry: Record<string, unknown>): ListedOperation {
  const parsed = ListedOperationEntry.safeParse(entry);
  if (!parsed.success) {
    throw new CorruptItemError('listed operation', issuePaths(parsed.error.issues));
  }
  return parsed.data;
}
