import { createHash } from 'node:crypto';
import type { Flow } from './operation.ts';

/**
 * The operation id for a delivery: derived from the flow and the idempotency key, so the same
 * delivery maps to the same record without a lookup, and keys of two sources never collide.
 */
export function operationIdFor(flow: Flow, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${flow}\n${idempotencyKey}`).digest('base64url');
  return `op_${digest.slice(0, 26)}`;
}

const OPERATION_ID = /^op_[A-Za-z0-9_-]{26}$/;

/** Whether `value` has the shape {@link operationIdFor} gives: anything else cannot name an operation. */
export const isOperationId = (value: string): boolean => OPERATION_ID.test(value);

/** SHA-256 of the body with object keys sorted: key order and whitespace don't make another body. */
export function payloadHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON with object keys in code-point order at every depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A key that names a business fact without putting its values in the key. */
export const factKey = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 32);
