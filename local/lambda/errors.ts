/** A handler ran past its function's timeout; Lambda would have stopped it there. */
export class LambdaTimeoutError extends Error {
  readonly functionName: string;
  readonly timeoutMs: number;
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'LambdaTimeoutError';
    this.functionName = functionName;
    this.timeoutMs = timeoutMs;
  }
}
