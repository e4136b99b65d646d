import type { Logger } from '@aws-lambda-powertools/logger';

/** Where a part writes what it wants operators to know: ids, statuses, codes; never personal data. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What a log line says of an error: its class name, never its message (which may hold what was sent). */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
