import { OPERATIONS_KEY } from './table.ts';

/** The key of each kind of item in the operations table; each names its kind first. */
export const itemKey = {
  operation: (operationId: string) => ({ [OPERATIONS_KEY]: `op#${operationId}` }),
  ban: () => ({ [OPERATIONS_KEY]: 'ban#top' }),
  orderGuard: (key: string) => ({ [OPERATIONS_KEY]: `order#${key}` }),
  dedupe: (key: string) => ({ [OPERATIONS_KEY]: `dedupe#${key}` }),
} as const;

/** How the operations table's stores name themselves in their errors. */
export const OPERATIONS_STORE = 'operations store';
