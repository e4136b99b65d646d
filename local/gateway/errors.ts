/** The route table handed to the gateway cannot be served as given. */
export class GatewayConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid gateway routes: ${problems.join('; ')}`);
    this.name = 'GatewayConfigError';
    this.problems = problems;
  }
}

/** A handler returned something API Gateway cannot turn into a response; it answers 500. */
export class MalformedResultError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`malformed Lambda proxy response: ${message}`, options);
    this.name = 'MalformedResultError';
  }
}

/** The integration ran past API Gateway's own timeout; it answers 503 whatever the function does next. */
export class IntegrationTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(routeKey: string, timeoutMs: number) {
    super(`${routeKey}: the integration did not answer within ${timeoutMs} ms`);
    this.name = 'IntegrationTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}
