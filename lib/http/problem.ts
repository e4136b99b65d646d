import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An RFC 9457 problem: `type` names the kind of problem, `detail` this occurrence. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string | undefined;
  readonly [extension: string]: unknown;
}

/** Problem types are URNs of this project: stable names a sender can branch on. */
export const problemType = (slug: string): string => `urn:top-webhooks:problem:${slug}`;

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemResponse(
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(problem),
  };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
