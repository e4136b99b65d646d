/**
 * Each function's byte budget: its bundle as esbuild writes it (deterministic for a lockfile), checked
 * by `npm test`, so a dependency that bloats one function fails CI naming the function and the
 * budget. Set a little above today's size; lower a budget when its bundle shrinks, and raise one
 * only with the reason in the commit that does.
 */
export const BUNDLE_BUDGETS: Readonly<Record<string, number>> = {
  'wms-delivery': 1_140_000,
  'storefront-fulfill': 1_140_000,
  tracking: 1_180_000,
  'operator-api': 1_205_000,
  'retry-sweeper': 1_135_000,
  'refresh-dispatcher': 1_175_000,
  'refresh-worker': 1_180_000,
  'oauth-callback': 1_125_000,
  'token-renewal': 1_125_000,
};
