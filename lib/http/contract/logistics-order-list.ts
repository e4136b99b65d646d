import * as z from 'zod';
import { MAX_PAGE_SIZE, NextCursor, PageCursor, PageLimit, PlatformCode, Timestamp } from './fields.ts';
import {
  LogisticsOrderStatus,
  LogisticsOrderStatusCode,
  RefreshError,
  Stopped,
} from './logistics-order-view.ts';
import { named } from './registry.ts';

/**
 * `GET /logistics-orders?status&parked&stopped&limit&cursor`: `ListLogisticsOrdersQuery` in
 * `lib/http/operator-queries.ts`.
 */
export const LogisticsOrderListQuery = z.object({
  status: LogisticsOrderStatusCode.optional(),
  parked: z
    .boolean()
    .optional()
    .meta({ description: '`true`: only parked orders; `false`: only the others' }),
  stopped: z.boolean().optional().meta({
    description:
      '`true`: only orders whose refreshes stopped for good; `false`: only the others. `parked=true` with `stopped=true` is refused (400): an order is parked or stopped, not both',
  }),
  limit: PageLimit.max(MAX_PAGE_SIZE).optional(),
  cursor: PageCursor.optional(),
});

/**
 * One tracked order in a list: `listedOrderView` in `lib/http/logistics-order-view.ts`. Where its
 * refresh stands, without the snapshot (personal data) and the history; a field without a value is null.
 */
export const LogisticsOrderSummary = named(
  'LogisticsOrderSummary',
  z.object({
    logistics_order_id: z.string(),
    seller_id: z.string(),
    status: LogisticsOrderStatus.nullable().meta({ description: 'null until the first refresh' }),
    tracked_at: Timestamp.meta({ description: 'when tracking started: the list is newest first by it' }),
    last_refreshed_at: Timestamp.nullable(),
    next_refresh_at: Timestamp.nullable(),
    parked: z
      .object({
        reason: z.string(),
        code: PlatformCode.optional(),
        sub_code: z.string().optional(),
        at: Timestamp,
      })
      .nullable()
      .meta({ description: "the platform refused the seller's session: refreshes wait for another one" }),
    stopped: Stopped.nullable(),
    finished_at: Timestamp.nullable(),
    last_error: RefreshError.nullable(),
  }),
);

export const LogisticsOrderPage = named(
  'LogisticsOrderPage',
  z.object({ items: z.array(LogisticsOrderSummary), next_cursor: NextCursor }),
);
