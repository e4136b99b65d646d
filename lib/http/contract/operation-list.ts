import * as z from 'zod';
import {
  FlowName,
  MAX_PAGE_SIZE,
  NextCursor,
  OperationStatusName,
  PageCursor,
  PageLimit,
  QueryTime,
} from './fields.ts';
import { OperationError, OperationView } from './operation-view.ts';
import { named } from './registry.ts';

/** `GET /operations?status&flow&since&until&limit&cursor`: the operations of one status. */
export const OperationListQuery = z.object({
  status: OperationStatusName,
  flow: FlowName.optional(),
  since: QueryTime.optional().meta({ description: 'only operations created at or after this time' }),
  until: QueryTime.optional().meta({ description: 'only operations created before this time' }),
  limit: PageLimit.max(MAX_PAGE_SIZE).optional(),
  cursor: PageCursor.optional(),
});

/** One operation in a list: the view's summary fields; `last_error` is null when there is none. */
export const OperationSummary = named(
  'OperationSummary',
  OperationView.pick({
    operation_id: true,
    flow: true,
    status: true,
    attempts: true,
    created_at: true,
    updated_at: true,
  }).extend({ last_error: OperationError.nullable() }),
);

export const OperationPage = named(
  'OperationPage',
  z.object({ items: z.array(OperationSummary), next_cursor: NextCursor }),
);
