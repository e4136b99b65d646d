import type { SellerParts } from './runtime.ts';

/**
 * The seller parts of a function loaded with the `sellers: ['table']` need, where config already
 * required their settings: present, or the cold start fails naming what is missing.
 */
export function requireSellerParts(parts: SellerParts): {
  [K in keyof SellerParts]-?: NonNullable<SellerParts[K]>;
} {
  const { vault, registry, states } = parts;
  if (!vault || !registry || !states)
    throw new Error('seller parts are missing: load the config with the sellers need');
  return { vault, registry, states };
}
