import { formatTopTimestamp } from './timestamp.ts';

/** Business params as callers give them; objects become one JSON form field. */
export type TopParams = Readonly<Record<string, unknown>>;

const HAS_UPPER_CASE = /[A-Z]/;

/** `outerPackageId` → `outer_package_id`; snake_case names pass through unchanged (and untouched). */
export const toSnakeCase = (name: string): string =>
  HAS_UPPER_CASE.test(name)
    ? name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
        .toLowerCase()
    : name;

/** The JSON shape TOP expects inside an object param: snake_case names, no nulls, GMT+8 dates. */
export function toWireJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (value instanceof Date) return formatTopTimestamp(value);
  if (Array.isArray(value)) return value.filter((item) => item != null).map(toWireJson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item != null) out[toSnakeCase(key)] = toWireJson(item);
  }
  return out;
}

function encodeValue(value: unknown): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`TOP params cannot carry the number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return formatTopTimestamp(value);
  if (typeof value === 'object') return JSON.stringify(toWireJson(value));
  throw new TypeError(`TOP params cannot carry a ${typeof value}`);
}

/**
 * Business params → form fields: scalars as text, objects as one JSON string; null, absent, empty and
 * whitespace-only values are dropped (the gateway drops them from the signature too).
 */
export function encodeParams(params: TopParams): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of Object.keys(params)) {
    const text = encodeValue(params[name]);
    if (text !== undefined && text.trim() !== '') fields[toSnakeCase(name)] = text;
  }
  return fields;
}
