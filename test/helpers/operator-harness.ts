import type { Context } from 'aws-lambda';
import { storefrontFulfillFlow } from '#lib/flows/storefront-fulfill.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { webhookHandler } from '#lib/handlers/webhook.ts';
import { operationIdFor } from '#lib/operations/identity.ts';
import type { Operation } from '#lib/operations/operation.ts';
import type { TrackingOverrides } from '#lib/runtime/tracking-runtime.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import type { TestParts } from './test-parts.ts';
import { trackingHarness } from './tracking-harness.ts';
import { httpEvent, STOREFRONT_SECRET } from './webhook-harness.ts';

export interface OperatorCall {
  readonly query?: Record<string, string>;
  /** A JSON body (serialized), or raw text. */
  readonly body?: unknown;
  readonly pathParameters?: Record<string, string>;
  readonly contentType?: string;
  /** The invocation's context; default a fresh one with 15 s, on the harness clock. */
  readonly context?: Context;
}

export interface OperatorAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

let deliveries = 0;

/**
 * The operator API over the refresh's real local parts (`trackingHarness`: dynalite with both
 * tables, the simulator over HTTP, the queue feeding the worker), the storefront webhook to make
 * operations with, and direct access to the stores for seeding many records. The stores' clock is
 * `clock.now`.
 */
export async function operatorHarness(
  parts: TestParts,
  options: { env?: Record<string, string>; overrides?: TrackingOverrides; replayConcurrency?: number } = {},
) {
  const tracking = await trackingHarness(parts, {
    env: { RETRY_BASE_SECONDS: '10', RETRY_MAX_SECONDS: '60', ...options.env },
    ...(options.overrides && { overrides: options.overrides }),
  });
  const { runtime, clock } = tracking;
  const operator = operatorHandler({
    ...runtime,
    apis: TOP_APIS,
    replayConcurrency: options.replayConcurrency,
  });
  const storefront = webhookHandler(storefrontFulfillFlow, {
    ...runtime,
    verifier: runtime.verifier('storefront'),
  });
  const contextFor = (timeoutMs = 15_000) =>
    createLambdaContext({ functionName: 'operator-api', timeoutMs, now: () => clock.now });

  const read = (result: Awaited<ReturnType<typeof operator>>): OperatorAnswer => {
    const raw = result.body ?? '';
    return {
      status: result.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      raw,
    };
  };

  /** Calls an operator route, e.g. `call('GET /operations', { query: { status: 'DEAD' } })`. */
  async function call(routeKey: string, request: OperatorCall = {}): Promise<OperatorAnswer> {
    const raw =
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body);
    const event = httpEvent(
      routeKey,
      raw,
      raw === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' },
      false,
      request.pathParameters,
    );
    const query = request.query;
    const withQuery = query
      ? {
          ...event,
          queryStringParameters: query,
          rawQueryString: new URLSearchParams(query).toString(),
        }
      : event;
    return read(await operator(withQuery, request.context ?? contextFor()));
  }

  return {
    ...tracking,
    call,
    contextFor,
    /** Posts a signed storefront fulfilment; the answer's body. */
    async deliverStorefront(body: unknown) {
      const raw = JSON.stringify(body);
      const signed = signWebhook({
        id: `msg_op_${++deliveries}_${Math.random().toString(36).slice(2)}`,
        timestamp: Math.floor(clock.now / 1000),
        body: raw,
        secret: STOREFRONT_SECRET,
      });
      const result = await storefront(
        httpEvent('POST /webhooks/storefront/fulfillments', raw, {
          'content-type': 'application/json',
          ...signed,
        }),
        contextFor(),
      );
      return read(result);
    },
    /** Writes an operation record as the outbox keeps one (through the store, as a claim does). */
    async seedOperation(operation: Operation) {
      const created = await runtime.operations.create(operation);
      if (!created.created) throw new Error(`operation ${operation.operation_id} exists`);
    },
  };
}

export type OperatorHarness = Awaited<ReturnType<typeof operatorHarness>>;

/** An operation record of `status`, created at `createdAt`, its id derived from `key`; fields override. */
export function operationRecord(
  key: string,
  status: Operation['status'],
  createdAt: number,
  overrides: Partial<Operation> = {},
): Operation {
  const flow = overrides.flow ?? 'wms-delivery';
  const id = operationIdFor(flow, key);
  return {
    operation_id: id,
    flow,
    webhook_id: `msg_${key}`,
    payload_hash: 'hash',
    status,
    attempts: status === 'DEAD' ? 10 : 1,
    created_at: createdAt,
    updated_at: createdAt + 1_000,
    budget_started_at: createdAt,
    request: {
      method: 'tmall.ovs.delivery.order.info.send',
      params: { ticket_id: `T-${id}`, status: 'PACK_FINISH' },
    },
    guards: {},
    ...(status === 'DEAD' && {
      last_error: { kind: 'transient', message: 'Remote service error', code: 15 },
    }),
    expires_at: Math.floor(createdAt / 1000) + 7 * 86_400,
    ...overrides,
  };
}
