import * as z from 'zod';
import { OPERATION_STATUSES } from '#lib/operations/operation.ts';
import { Timestamp } from './fields.ts';
import { named } from './registry.ts';

/** The counts `capped` may name: `systemStatus` in `lib/handlers/operator.ts`. */
const STATUS_COUNTS = [
  ...OPERATION_STATUSES.map((status) => `operations.${status}` as const),
  'parked.sellers',
  'parked.orders',
  'stopped.orders',
] as const;

/** `GET /status`: the system at a glance. */
export const SystemStatus = named(
  'SystemStatus',
  z
    .object({
      ban: z
        .object({
          until: Timestamp.nullable().meta({ description: 'null when no ban lasts' }),
        })
        .meta({ description: "the platform's rate-limit ban all calls share: nobody calls it until then" }),
      operations: z
        .record(z.enum(OPERATION_STATUSES), z.int().min(0))
        .meta({ description: 'how many operations are in each status: every status, 0 included' }),
      parked: z
        .object({ sellers: z.int().min(0), orders: z.int().min(0) })
        .meta({ description: 'sellers whose session the platform refused, and their parked orders' }),
      stopped: z
        .object({ orders: z.int().min(0) })
        .meta({ description: 'orders whose refreshes stopped for good: the platform does not know them' }),
      capped: z.array(z.enum(STATUS_COUNTS)).meta({
        description:
          'the counts that stopped reading before the end (tens of thousands of entries): each is a lower bound. Empty when every count is exact',
      }),
    })
    .meta({ description: 'The shared ban, operations by status, parked sellers and orders, stopped orders' }),
);
