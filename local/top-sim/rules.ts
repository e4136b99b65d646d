import type * as z from 'zod';
import type { TopApiEntry } from './protocol.ts';
import { SIM_ERRORS, type SimError } from './wire.ts';

const describeIssues = (issues: readonly z.core.$ZodIssue[]): string =>
  issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/**
 * The API's own rules over its business params: a missing required flat field → 40, a bad flat field
 * → 41, anything wrong inside an object param or a conditional rule → 50 isv.invalid-parameter.
 */
export function checkApiRules(
  api: TopApiEntry,
  fields: Readonly<Record<string, string>>,
): { request: Record<string, unknown> } | { error: SimError } {
  let input: Record<string, unknown>;
  if ('objectParam' in api) {
    const raw = fields[api.objectParam];
    if (raw === undefined) return { error: SIM_ERRORS.missingArguments(api.objectParam) };
    try {
      input = JSON.parse(raw);
    } catch {
      return { error: SIM_ERRORS.invalidArguments(api.objectParam) };
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { error: SIM_ERRORS.invalidArguments(api.objectParam) };
    }
  } else {
    // The gateway ignores params an API does not declare.
    input = {};
    for (const name of Object.keys(api.request.shape)) {
      if (fields[name] !== undefined) input[name] = fields[name];
    }
  }

  const parsed = api.request.safeParse(input);
  if (parsed.success) return { request: parsed.data as Record<string, unknown> };
  const issues = parsed.error.issues;
  if (!('objectParam' in api)) {
    const missing = issues.filter((i) => i.code === 'invalid_type' && input[String(i.path[0])] === undefined);
    if (missing.length > 0)
      return { error: SIM_ERRORS.missingArguments(missing.map((i) => i.path[0]).join(',')) };
    const invalid = issues.filter((i) => i.code !== 'custom');
    if (invalid.length > 0)
      return { error: SIM_ERRORS.invalidArguments(invalid.map((i) => i.path[0]).join(',')) };
  }
  return { error: SIM_ERRORS.invalidParameter(describeIssues(issues)) };
}
