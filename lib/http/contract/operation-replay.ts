import * as z from 'zod';
import { FlowName, OperationId, QueryTime } from './fields.ts';
import { named } from './registry.ts';

/** The most operations one `POST /operations/replay` takes. */
export const MAX_REPLAY_BATCH = 100;

/** `POST /operations/replay`: which DEAD or FAILED operations get a fresh budget and an attempt now. */
export const ReplayBatchRequest = named(
  'ReplayBatchRequest',
  z
    .strictObject({
      status: z.enum(['DEAD', 'FAILED']),
      flow: FlowName.optional(),
      since: QueryTime.optional().meta({ description: 'only operations created at or after this time' }),
      until: QueryTime.optional().meta({ description: 'only operations created before this time' }),
      limit: z
        .int()
        .min(1)
        .max(MAX_REPLAY_BATCH)
        .optional()
        .meta({ description: `at most this many (default ${MAX_REPLAY_BATCH})` }),
    })
    .meta({ description: 'Replays the DEAD or FAILED operations that match, at most `limit`' }),
);

export const ReplayBatchResult = named(
  'ReplayBatchResult',
  z.object({
    replayed: z.int().min(0).meta({ description: 'operations given a fresh budget and attempted' }),
    skipped: z.int().min(0).meta({ description: 'matching operations another caller took meanwhile' }),
    operation_ids: z.array(OperationId).meta({ description: 'the operations replayed' }),
  }),
);
