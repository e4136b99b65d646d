import * as z from 'zod';
import { OPERATION_STATUSES } from '#lib/operations/operation.ts';
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

/** `POST /operations/replay`'s answer: what `lib/handlers/operator.ts` takes of `replayOperations`' report. */
export const ReplayBatchResult = named(
  'ReplayBatchResult',
  z.object({
    replayed: z.int().min(0).meta({ description: 'operations given a fresh budget and attempted' }),
    skipped: z.int().min(0).meta({ description: 'matching operations another caller took meanwhile' }),
    operation_ids: z.array(OperationId).meta({ description: 'the operations replayed' }),
    outcomes: z.partialRecord(z.enum(OPERATION_STATUSES), z.int().min(1)).meta({
      description:
        'how the attempts ended: operations by the status they are in now. An attempt that failed before its outcome could be written (DynamoDB unreachable) is in `operation_ids` but not here: it stays due for the sweeper',
    }),
    remaining: z.int().min(0).meta({
      description:
        'operations that matched but were not taken: the invocation ran short of time. Call again for them',
    }),
  }),
);
