import * as z from 'zod';
import { MAX_PAGE_SIZE, NextCursor, PageLimit, PlatformCode, Timestamp } from './fields.ts';
import { LogisticsOrderStatus, LogisticsOrderStatusCode, RefreshError } from './logistics-order-view.ts';
import { named } from './registry.ts';

/** `GET /logistics-orders?status&parked&limit&cursor`. */
export const LogisticsOrderListQuery = z.object({
  status: LogisticsOrderStatusCode.optional(),
  parked: z
    .boolean()
    .optional()
    .meta({ description: '`true`: only parked orders; `false`: only the others' }),
  limit: PageLimit.max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).optional().meta({ description: 'the `next_cursor` of the previous page' }),
});

/**
 * One tracked order in a list: where its refresh stands, without the snapshot (personal data) and
 * the history; a field without a value is null.
 */
export const LogisticsOrderSummary = named(
  'LogisticsOrderSummary',
  z.object({
    logistics_order_id: z.string(),
    seller_id: z.string(),
    status: LogisticsOrderStatus.nullable(),
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
    finished_at: Timestamp.nullable(),
    last_error: RefreshError.nullable(),
  }),
);

export const LogisticsOrderPage = named(
  'LogisticsOrderPage',
  z.object({ items: z.array(LogisticsOrderSummary), next_cursor: NextCursor }),
);
