import { isDeepStrictEqual } from 'node:util';
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
 * the media type too, the body passes one of its schemas with nothing it does not know of (at any
 * depth, strictly: the published schemas let a client meet members added later, this check does not),
 * and each header it carries is declared for that status.
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
    const passing = results.filter((result) => result.success);
    expect(
      passing.length,
      `${where}: ${JSON.stringify(results.map((result) => result.error?.issues))}`,
    ).toBeGreaterThan(0);
    // Checked strictly, unlike the published document (whose answers allow members added later): zod
    // strips what a schema does not know of, at any depth, so a schema describes the answer only when
    // the parse gives all of it back. One field the document lacks, and the answer fails.
    if (typeof answer.body === 'object' && answer.body !== null) {
      const whole = passing.find((result) => isDeepStrictEqual(result.data, answer.body));
      expect(whole?.data ?? passing[0]?.data, `${where}: fields the document lacks`).toStrictEqual(
        answer.body,
      );
    }
  }
  for (const name of Object.keys(answer.headers)) {
    const documented = DECLARED_HEADERS[name.toLowerCase()];
    if (documented) expect(declared?.headers ?? [], `${where} carries ${name}`).toContain(documented);
  }
}
