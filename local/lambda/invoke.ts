import type { Context } from 'aws-lambda';
import { createLambdaContext } from './context.ts';
import { LambdaTimeoutError } from './errors.ts';

/** An async Lambda handler: what a `functions/<name>/index.ts` module exports as `handler`. */
export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** Lambda's default timeout is 3 s; ours are set per function, and HTTP APIs cap integrations at 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface InvokeOptions {
  readonly functionName: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Calls `handler` as the Lambda runtime would: a fresh context, and a {@link LambdaTimeoutError} once
 * the timeout passes. Unlike Lambda, nothing can stop the handler here, so it runs on in the background.
 */
export async function invokeLambda<Event, Result>(
  handler: LambdaHandler<Event, Result>,
  event: Event,
  options: InvokeOptions,
): Promise<Result> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = createLambdaContext({
    functionName: options.functionName,
    timeoutMs,
    ...(options.now && { now: options.now }),
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(options.functionName, timeoutMs)), timeoutMs);
  });
  try {
    // `async` wrapper: a handler that throws synchronously becomes a rejection like any other.
    return await Promise.race([(async () => handler(event, context))(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
