import type { Logger } from '@aws-lambda-powertools/logger';

/** Where a part writes what it wants operators to know: ids, statuses, codes; never personal data. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
