import { randomUUID } from 'node:crypto';
import { operationIdFor } from '#lib/operations/identity.ts';
import type { Operation } from '#lib/operations/operation.ts';

/** An operation as a webhook claims it, held under `token` until `leaseExpiresAt`; fields override. */
export function claimedOperation(now: number, overrides: Partial<Operation> = {}): Operation {
  return {
    operation_id: operationIdFor('storefront-fulfill', `msg_test_${randomUUID()}`),
    flow: 'storefront-fulfill',
    webhook_id: 'msg_1',
    payload_hash: 'hash-1',
    status: 'IN_PROGRESS',
    attempts: 0,
    created_at: now,
    updated_at: now,
    budget_started_at: now,
    lease_token: 'token-1',
    lease_expires_at: now + 30_000,
    request: {
      method: 'aliexpress.solution.order.fulfill',
      seller_id: 'shop-1',
      params: {
        service_name: 'EMS',
        out_ref: '888877779999',
        send_type: 'part',
        logistics_no: 'LA88887777CN',
      },
    },
    guards: {},
    expires_at: Math.floor(now / 1000) + 86_400,
    ...overrides,
  };
}
