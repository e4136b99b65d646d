import { describe, expect, it } from 'vitest';
import { statusExamples } from '#lib/http/contract/operator-examples.ts';
import { problemExamples } from '#lib/http/contract/problem-examples.ts';
import { expectDocumented } from '#test/helpers/documented.ts';

const json = { 'content-type': 'application/json' };
const status = statusExamples.banned.value;

describe('expectDocumented', () => {
  it('takes an answer the document describes whole', () => {
    expectDocumented('GET /status', { status: 200, headers: json, body: status });
  });

  it('refuses a field the document lacks, at the top or deep down, though the published schemas allow it', () => {
    const undocumented = [
      { ...status, queued: 3 },
      { ...status, parked: { ...status.parked, reasons: [] } },
    ];
    for (const body of undocumented) {
      expect(() => expectDocumented('GET /status', { status: 200, headers: json, body })).toThrow(
        /fields the document lacks/,
      );
    }
    const problem = { ...(problemExamples.InvalidCursorProblem?.value as object), refusal: 'malformed' };
    expect(() =>
      expectDocumented('GET /operations', {
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: problem,
      }),
    ).toThrow(/fields the document lacks/);
  });

  it('refuses a body on an answer the document declares without one, and an undeclared status', () => {
    expect(() =>
      expectDocumented('DELETE /logistics-orders/{id}', { status: 204, headers: json, body: {} }),
    ).toThrow();
    expect(() => expectDocumented('GET /status', { status: 201, headers: json, body: status })).toThrow();
  });
});
