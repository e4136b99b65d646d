import * as z from 'zod';
import { OPERATION_STATUSES } from '#lib/operations/operation.ts';
import { Timestamp } from './fields.ts';
import { named } from './registry.ts';

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
        .partialRecord(z.enum(OPERATION_STATUSES), z.int().min(0))
        .meta({ description: 'how many operations are in each status' }),
      parked: z
        .object({ sellers: z.int().min(0), orders: z.int().min(0) })
        .meta({ description: 'sellers whose session the platform refused, and their parked orders' }),
    })
    .meta({ description: 'The shared ban, operations by status, parked sellers and orders' }),
);
