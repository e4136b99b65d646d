import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { keyField } from '#lib/flows/key-field.ts';
import { sellerFor } from '#lib/flows/seller.ts';
import { InvalidPayloadError } from '#lib/http/errors.ts';
import { parseJsonBody } from '#lib/http/request.ts';
import { idString, nonBlank } from '#lib/top/apis/fields.ts';
import { LOGISTICS_ORDER_PLATFORM } from '#lib/top/apis/logistics-order-statuses.ts';
import { toRequestIssues } from '#lib/top/apis/validation.ts';
import type { VerifiedDelivery, WebhookVerifier } from '#lib/webhooks/delivery.ts';
import type { TrackedOrder } from './order.ts';
import type { TrackingStore } from './store.ts';

/** `POST /webhooks/storefront/logistics-orders`: start tracking a logistics order. */
export const TrackingBody = z.strictObject({
  /** Whose session queries the order; may be left out when exactly one seller is configured. */
  seller_id: z.optional(keyField(nonBlank())),
  logistics_order_id: keyField(idString()),
});

export interface RegisterDeps {
  readonly tracking: TrackingStore;
  readonly credentials: CredentialsSource;
  readonly verifier: WebhookVerifier;
  readonly now?: () => number;
}

/** Starts tracking a verified request's order; idempotent: one tracked already is returned as it stands. */
export async function registerLogisticsOrder(
  deps: RegisterDeps,
  delivery: VerifiedDelivery,
  event: APIGatewayProxyEventV2,
): Promise<{ readonly order: TrackedOrder; readonly created: boolean }> {
  const parsed = TrackingBody.safeParse(parseJsonBody(event, delivery.body));
  if (!parsed.success) throw new InvalidPayloadError(toRequestIssues(parsed.error));
  const sellerId = await sellerFor(deps.credentials, parsed.data.seller_id, LOGISTICS_ORDER_PLATFORM);
  const now = (deps.now ?? Date.now)();
  const order: TrackedOrder = {
    logistics_order_id: parsed.data.logistics_order_id,
    seller_id: sellerId,
    created_at: now,
    history: [],
    unchanged_refreshes: 0,
    next_refresh_at: now,
  };
  if (await deps.tracking.register(order)) return { order, created: true };
  const existing = await deps.tracking.get(order.logistics_order_id);
  // Gone between the two reads (expired): track it afresh.
  return existing ? { order: existing, created: false } : registerLogisticsOrder(deps, delivery, event);
}
