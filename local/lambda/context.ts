import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The account id the local stack reports wherever AWS would put one. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'local';

export interface LambdaContextOptions {
  readonly functionName: string;
  /** The function's timeout: `getRemainingTimeInMillis()` counts down from it. */
  readonly timeoutMs: number;
  readonly memoryLimitInMB?: number;
  readonly now?: () => number;
}

/** A Lambda `Context` for one invocation, as the Node.js runtime hands it to a handler. */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const { functionName } = options;
  const awsRequestId = randomUUID();
  const retired = (name: string) => () => {
    // Deprecated callback-era methods: an async handler returns or throws, and here that is enforced.
    throw new Error(`context.${name}() is not supported: return or throw from the async handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 256),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: retired('done'),
    fail: retired('fail'),
    succeed: retired('succeed'),
  };
}
