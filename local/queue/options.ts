import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LambdaHandler } from '../lambda/invoke.ts';
import { QueueConfigError } from './errors.ts';

/** The function behind the queue; with `ReportBatchItemFailures` on, it may name the messages that failed. */
// biome-ignore lint/suspicious/noConfusingVoidType: as @types/aws-lambda's SQSHandler, so `async () => {}` fits.
export type QueueHandler = LambdaHandler<SQSEvent, SQSBatchResponse | void>;

export interface LocalQueueOptions {
  /** The queue's name (letters, digits, `-`, `_`; at most 80), in its ARN; also the function's name. */
  readonly name: string;
  readonly handler: QueueHandler;
  /** Most messages per invocation. Default 10. */
  readonly batchSize?: number;
  /** Most invocations at once (the mapping's `MaximumConcurrency`). Default 4. */
  readonly maxConcurrency?: number;
  /** How long a received message stays hidden; at least the function timeout, as AWS insists. Default 30 s. */
  readonly visibilityTimeoutMs?: number;
  /** Receives before a message goes to the dead-letter queue (the redrive policy). Default 5. */
  readonly maxReceiveCount?: number;
  /** The function's timeout. Default 30 s. */
  readonly timeoutMs?: number;
  /** Failed batches and dead-lettered messages, never a body; default stderr. */
  readonly logError?: (message: string, error?: unknown) => void;
}

export type ResolvedQueueOptions = Required<LocalQueueOptions>;

const KEYS: ReadonlySet<string> = new Set([
  'name',
  'handler',
  'batchSize',
  'maxConcurrency',
  'visibilityTimeoutMs',
  'maxReceiveCount',
  'timeoutMs',
  'logError',
]);

// AWS's ranges, except that a concurrency of 1 (AWS: at least 2) is allowed for a one-at-a-time run.
const RANGES = {
  batchSize: [1, 10_000],
  maxConcurrency: [1, 1_000],
  visibilityTimeoutMs: [0, 12 * 60 * 60 * 1000],
  maxReceiveCount: [1, 1_000],
  timeoutMs: [1, 15 * 60 * 1000],
} as const;

/** Fills in the defaults; throws {@link QueueConfigError} naming every unknown, out-of-range or clashing option. */
export function resolveQueueOptions(options: LocalQueueOptions): ResolvedQueueOptions {
  const resolved: ResolvedQueueOptions = {
    name: options.name,
    handler: options.handler,
    batchSize: options.batchSize ?? 10,
    maxConcurrency: options.maxConcurrency ?? 4,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    timeoutMs: options.timeoutMs ?? 30_000,
    logError:
      options.logError ??
      ((message, error) =>
        error === undefined
          ? console.error(`[queue] ${message}`)
          : console.error(`[queue] ${message}`, error)),
  };
  const problems: string[] = [];
  for (const key of Object.keys(options)) if (!KEYS.has(key)) problems.push(`unknown option ${key}`);
  if (typeof resolved.name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(resolved.name)) {
    problems.push('name must be 1 to 80 letters, digits, hyphens or underscores');
  }
  if (typeof resolved.handler !== 'function') problems.push('handler must be a function');
  if (typeof resolved.logError !== 'function') problems.push('logError must be a function');
  for (const [key, [min, max]] of Object.entries(RANGES)) {
    const value = resolved[key as keyof typeof RANGES];
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  }
  // Shorter, and a message would reappear while the function still works on it.
  if (resolved.visibilityTimeoutMs < resolved.timeoutMs) {
    problems.push(
      `visibilityTimeoutMs (${resolved.visibilityTimeoutMs}) must be at least timeoutMs (${resolved.timeoutMs})`,
    );
  }
  if (problems.length > 0) throw new QueueConfigError(problems);
  return resolved;
}
