/**
 * Each function's byte budget: its bundle as esbuild writes it (deterministic for a lockfile), checked
 * by `npm test`, so a dependency that bloats one function fails CI naming the function and the
 * budget. Set a little above today's size; lower a budget when its bundle shrinks, and raise one
 * only with the reason in the commit that does.
 */
export const BUNDLE_BUDGETS: Readonly<Record<string, number>> = {
  'wms-delivery': 520_000,
  'storefront-fulfill': 530_000,
  tracking: 515_000,
  'operator-api': 550_000,
  'retry-sweeper': 520_000,
  'refresh-dispatcher': 550_000,
  'refresh-worker': 545_000,
  'oauth-callback': 515_000,
  'token-renewal': 510_000,
};
