import { expect } from 'vitest';
import { ROUTES } from '#lib/http/contract/openapi.ts';

/** An answer as a test read it: status, headers, and the body (parsed JSON, or the text of a page). */
export interface ReadAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

// The headers the document declares, by the lowercase name an answer carries them under.
const DECLARED_HEADERS: Readonly<Record<string, string>> = {
  location: 'Location',
  'retry-after': 'Retry-After',
  'idempotent-replayed': 'Idempotent-Replayed',
  'cache-control': 'Cache-Control',
};

/**
 * Asserts the OpenAPI document describes `answer` as route `routeKey` gave it: the status is declared,
 * the media type too, the body passes one of its schemas with nothing they do not know of, and each
 * header it carries is declared for that status.
 */
export function expectDocumented(routeKey: string, answer: ReadAnswer): void {
  const route = ROUTES.find((candidate) => `${candidate.method} ${candidate.path}` === routeKey);
  expect(route, `${routeKey} is declared in ROUTES`).toBeDefined();
  const declared = route?.answers[answer.status];
  expect(
    declared,
    `${routeKey} answered ${answer.status}, which the document does not declare`,
  ).toBeDefined();
  const where = `${routeKey} ${answer.status}`;
  const mediaType = String(answer.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (!declared?.content) {
    expect(answer.body ?? '', `${where} has no body`).toEqual('');
  } else {
    const content = declared.content.find((candidate) => candidate.mediaType === mediaType);
    expect(content, `${where} answered ${mediaType}, which the document does not declare`).toBeDefined();
    const results = content?.schemas.map((schema) => schema.safeParse(answer.body)) ?? [];
    const passed = results.find((result) => result.success);
    expect(
      passed,
      `${where}: ${JSON.stringify(results.map((result) => result.error?.issues))}`,
    ).toBeDefined();
    // zod strips what a schema does not know of: the parse gives back all of it, or the document misses a field.
    if (typeof answer.body === 'object')
      expect(passed?.data, `${where}: fields the document lacks`).toEqual(answer.body);
  }
  for (const name of Object.keys(answer.headers)) {
    const documented = DECLARED_HEADERS[name.toLowerCase()];
    if (documented) expect(declared?.headers ?? [], `${where} carries ${name}`).toContain(documented);
  }
}
