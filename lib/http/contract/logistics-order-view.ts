import * as z from 'zod';
import { LOGISTICS_ORDER_STATUSES } from '#lib/top/apis/logistics-order-statuses.ts';
import { REFRESH_ERROR_KINDS } from '#lib/tracking/order.ts';
import { NO_STATUS } from '#lib/tracking/table.ts';
import { PlatformCode, Timestamp } from './fields.ts';
import { named } from './registry.ts';

const STATUS_NAMES = Object.entries(LOGISTICS_ORDER_STATUSES)
  .map(([code, name]) => `${code} ${name}`)
  .join(', ');

/** The platform's status of a logistics order, as it sends it: a digit (6 and 7 are final). */
export const LogisticsOrderStatus = z
  .string()
  .meta({ description: `the platform's status: ${STATUS_NAMES}; 6 and 7 end the refresh` });

/** The status codes a filter takes: `LISTED_STATUSES` in `lib/tracking/table.ts`. */
export const LogisticsOrderStatusCode = z
  .enum([...(Object.keys(LOGISTICS_ORDER_STATUSES) as (keyof typeof LOGISTICS_ORDER_STATUSES)[]), NO_STATUS])
  .meta({ description: `${STATUS_NAMES}; \`${NO_STATUS}\`: not read from the platform yet` });

export const RefreshError = named(
  'RefreshError',
  z
    .object({
      kind: z.enum(Object.values(REFRESH_ERROR_KINDS)).meta({
        description: "the platform's error kind, or `credentials` when no session could be read",
      }),
      message: z.string(),
      code: PlatformCode.optional(),
      sub_code: z.string().optional(),
      at: Timestamp,
    })
    .meta({ description: 'the last failed refresh' }),
);

const Parked = named(
  'Parked',
  z
    .object({
      reason: z.string(),
      code: PlatformCode.optional(),
      sub_code: z.string().optional(),
      session_fingerprint: z.string().meta({
        description:
          'a fingerprint of the refused session (never the session): another one resumes the order',
      }),
      at: Timestamp,
    })
    .meta({
      description:
        "refreshes wait until the seller's secret holds another session (the platform refused this one)",
    }),
);

/** Refreshes stopped for good: `Stopped` in `lib/tracking/order.ts`. */
export const Stopped = named(
  'Stopped',
  z
    .object({
      reason: z.string(),
      code: PlatformCode.optional(),
      sub_code: z.string().optional(),
      at: Timestamp,
    })
    .meta({
      description:
        'refreshes stopped for good: the platform answered, several queries in a row, that it does not know the order. Untrack it (`DELETE`), or track it again once it exists',
    }),
);

/** `GET /logistics-orders/{id}` and the tracking webhook's answer: `logisticsOrderView` in `lib/http`. */
export const LogisticsOrderView = named(
  'LogisticsOrderView',
  z
    .object({
      logistics_order_id: z.string(),
      seller_id: z.string(),
      status: LogisticsOrderStatus.optional().meta({ description: 'absent until the first refresh' }),
      snapshot: z.record(z.string(), z.unknown()).optional().meta({
        description:
          "the platform's order detail (OrderDTO) of the last refresh, whole: personal data, never logged",
      }),
      history: z
        .array(z.object({ status: LogisticsOrderStatus, at: Timestamp }))
        .meta({ description: 'each status change, when the refresh saw it' }),
      last_refreshed_at: Timestamp.nullable(),
      last_error: RefreshError.nullable(),
      next_refresh_at: Timestamp.optional().meta({
        description: 'absent once finished, parked or stopped',
      }),
      parked: Parked.optional(),
      stopped: Stopped.optional(),
      finished_at: Timestamp.optional().meta({ description: 'when it reached 6 DELIVERED or 7 CANCELLED' }),
    })
    .meta({ description: 'A tracked logistics order' }),
);
