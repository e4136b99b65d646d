import * as z from 'zod';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { itemKey } from './keys.ts';
import { FLOWS, OPERATION_ERROR_KINDS, OPERATION_STATUSES, type Operation } from './operation.ts';
import type { ListedOperation } from './store.ts';
import { DUE_SHARD, indexTime, operationListShard } from './table.ts';

const text = z.string();
const time = z.number();

// What an operation item must hold to be read back; the key and index attributes are dropped.
const OperationItem = z.object({
  operation_id: text.min(1),
  flow: z.enum(FLOWS),
  webhook_id: text,
  payload_hash: text,
  status: z.enum(OPERATION_STATUSES),
  attempts: z.number().int().nonnegative(),
  created_at: time,
  updated_at: time,
  budget_started_at: time,
  next_attempt_at: time.optional(),
  lease_token: text.optional(),
  lease_expires_at: time.optional(),
  request: z.object({
    method: text,
    seller_id: text.optional(),
    params: z.record(z.string(), z.unknown()),
  }),
  guards: z.object({
    order_keys: z.array(text).optional(),
    occurred_at: time.optional(),
    order_status: text.optional(),
    dedupe_key: text.optional(),
  }),
  top_request_id: text.optional(),
  result: z.unknown().optional(),
  last_error: z
    .object({
      kind: z.enum(OPERATION_ERROR_KINDS),
      message: text,
      code: z.union([z.number(), text]).optional(),
      sub_code: text.optional(),
      sub_msg: text.optional(),
      top_request_id: text.optional(),
    })
    .optional(),
  duplicate_of: text.optional(),
  outcome_unknown: z.boolean().optional(),
  reconciled: z.boolean().optional(),
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
const ListedOperationEntry = OperationItem.pick({
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
