import type * as z from 'zod/mini';
import { type TopApiRequestSide, validateTopRequest } from '#lib/top/apis/api.ts';
import { type RequestIssue, TopRequestValidationError } from '#lib/top/apis/validation.ts';

/** The issues validating `input` against `api` reports; [] when it passes. */
export function requestIssues(
  api: TopApiRequestSide<z.ZodMiniType>,
  input: unknown,
): readonly RequestIssue[] {
  try {
    validateTopRequest(api, input);
    return [];
  } catch (error) {
    if (error instanceof TopRequestValidationError) return error.issues;
    throw error;
  }
}
