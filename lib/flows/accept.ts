import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidPayloadError, UnsignedIdempotencyKeyError } from '#lib/http/errors.ts';
import { header, parseJsonBody } from '#lib/http/request.ts';
import { errorName } from '#lib/observability/log.ts';
import { readChecks } from '#lib/operations/attempt-checks.ts';
import { IdempotencyKeyReusedError, OperationInFlightError } from '#lib/operations/errors.ts';
import { type AttemptDeps, attemptOperation } from '#lib/operations/execute.ts';
import { operationIdFor, payloadHash } from '#lib/operations/identity.ts';
import { leaseFor, topDeadlineFor } from '#lib/operations/lease.ts';
import type { Operation } from '#lib/operations/operation.ts';
import { holdOrderKeys, type OrderHold, releaseDeliveryOrder } from '#lib/operations/ordering.ts';
import { toRequestIssues } from '#lib/top/apis/validation.ts';
import type { VerifiedDelivery, WebhookVerifier } from '#lib/webhooks/delivery.ts';
import type { WebhookFlow } from './flow.ts';
import { sellerFor } from './seller.ts';

export interface AcceptDeps extends AttemptDeps {
  readonly verifier: WebhookVerifier;
  readonly topDeadlineMs: number;
}

/** What became of a delivery: its operation, and whether it was only replayed from the record. */
export interface Accepted {
  readonly operation: Operation;
  readonly replayed: boolean;
}

/**
 * Accepting a verified webhook: parse, validate, resolve the seller, claim the operation with one
 * conditional write, then make the first attempt. Everything that can fail before the claim
 * throws (and nothing is stored); after the claim the operation is durable and owns the event.
 */
export async function acceptWebhook(
  flow: WebhookFlow,
  deps: AcceptDeps,
  delivery: VerifiedDelivery,
  event: APIGatewayProxyEventV2,
  remainingMs: () => number,
): Promise<Accepted> {
  const now = deps.now ?? Date.now;
  // Whoever captured a delivery could replay it under a key of their own and make a second call:
  // only the signed webhook-id chooses the operation.
  if (header(event, 'idempotency-key')?.trim()) throw new UnsignedIdempotencyKeyError();
  const json = parseJsonBody(event, delivery.body);
  const parsed = flow.body.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(toRequestIssues(parsed.error));
  const body = parsed.data;

  const webhookId = delivery.id;
  const operationId = operationIdFor(flow.flow, webhookId);
  const hash = payloadHash(json);
  let sellerId = flow.sellerOf(body);
  if (flow.api.requiresSession) {
    try {
      sellerId = await sellerFor(deps.credentials, sellerId, flow.api.platform);
    } catch (error) {
      // A seller removed since this delivery was stored: a redelivery still gets its stored answer.
      const stored = await deps.operations.get(operationId).catch(() => undefined);
      if (stored?.payload_hash === hash && stored.status !== 'IN_PROGRESS')
        return { operation: stored, replayed: true };
      throw error;
    }
  }
  const draft = flow.draft(body, sellerId);
  const at = now();
  const lease = leaseFor(at, remainingMs());
  const operation: Operation = {
    operation_id: operationId,
    flow: flow.flow,
    webhook_id: webhookId,
    payload_hash: hash,
    status: 'IN_PROGRESS',
    attempts: 0,
    created_at: at,
    updated_at: at,
    budget_started_at: at,
    lease_token: lease.token,
    lease_expires_at: lease.expiresAt,
    request: { method: flow.api.method, seller_id: sellerId, params: draft.params },
    guards: draft.guards,
    expires_at: Math.floor(at / 1000) + deps.ttlSeconds,
  };

  // The checks before the call don't depend on the claim: read them alongside it.
  const checks = readChecks(deps.ban);
  checks.catch(() => {}); // awaited only if the claim succeeds; its failure surfaces there
  const claiming = claim(deps, operation);
  // Nor does the delivery order's hold, taken under the claim's lease token: a duplicate delivery
  // takes it under a token of its own, so giving it back never frees the first delivery's hold.
  const order = holdOrderKeys(deps.orderGuards, operation, { alongsideClaim: true });
  order.catch(() => {}); // the attempt awaits it, or it is given back below
  let claimed: Awaited<typeof claiming>;
  try {
    claimed = await claiming;
  } catch (error) {
    await giveBack(deps, operation, order);
    throw error;
  }
  if (claimed.replay) {
    await giveBack(deps, operation, order);
    return { operation: claimed.replay, replayed: true };
  }
  const held = claimed.held;
  // Taken over, the operation may be the one that gave its delivery order back last, to which the
  // hold alongside the claim was refused: the attempt then takes it as any attempt does.
  const refused = claimed.takenOver && (await order.catch(() => undefined)) === undefined;
  try {
    const deadlineMs = topDeadlineFor(deps.topDeadlineMs, remainingMs());
    return {
      operation: await attemptOperation(deps, held, { deadlineMs, checks, ...(!refused && { order }) }),
      replayed: false,
    };
  } catch (error) {
    // The claim holds the whole request and its lease makes it due again: the sweeper finishes it.
    deps.log.warn('attempt interrupted; the sweeper will finish the operation', {
      operation_id: operation.operation_id,
      error: errorName(error),
    });
    return { operation: held, replayed: false };
  }
}

/**
 * Claims a new operation with one conditional write, which brings back a record already under the
 * key (one request either way, on DynamoDB). That record is replayed
 * when settled, refused when its body differs, taken over when its lease has lapsed, and otherwise
 * in flight (409).
 */
async function claim(
  deps: AcceptDeps,
  operation: Operation,
): Promise<
  | { readonly held: Operation; readonly takenOver: boolean; readonly replay?: never }
  | { readonly replay: Operation }
> {
  const created = await deps.operations.create(operation);
  if (created.created) return { held: operation, takenOver: false };
  const { operation_id: operationId, created_at: at } = operation;
  const { existing } = created;
  if (!existing) throw new OperationInFlightError(operationId, 1_000);
  if (existing.payload_hash !== operation.payload_hash) throw new IdempotencyKeyReusedError(operationId);
  if (existing.status !== 'IN_PROGRESS') return { replay: existing };
  // A lease left by a crashed invocation has lapsed: take the operation over instead of waiting,
  // under this delivery's lease, which the delivery order was taken under.
  const lease = { token: operation.lease_token ?? randomUUID(), expiresAt: operation.lease_expires_at ?? at };
  const held = await deps.operations.acquire(operationId, 'due', lease);
  if (held) return { held, takenOver: true };
  throw new OperationInFlightError(operationId, Math.max(1_000, (existing.lease_expires_at ?? at) - at));
}

/** Gives back a delivery order taken alongside a claim that did not make this delivery its owner. */
async function giveBack(deps: AcceptDeps, operation: Operation, order: OrderHold): Promise<void> {
  // Not given back (the store is down): the hold lapses with the lease.
  if ((await order.catch(() => undefined)) === undefined) return;
  await releaseDeliveryOrder(deps.orderGuards, operation).catch(() => {});
}
