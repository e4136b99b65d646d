// Scheduled: renews sellers' access tokens at half their lifetime; counts sellers who must authorize again.
import { loadConfig } from '#lib/config/config.ts';
import { tokenRenewalHandler } from '#lib/handlers/token-renewal.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts, requireSellerParts } from '#lib/runtime/seller-parts.ts';

const runtime = buildRuntime(
  loadConfig(process.env, { sellers: ['table'] }),
  'token-renewal',
  {},
  { sellers: buildSellerParts },
);
const { vault, registry } = requireSellerParts(runtime.sellers);

export const handler = tokenRenewalHandler({
  ...runtime,
  vault,
  registry,
  appCredentials: () => runtime.credentials.app('aliexpress'),
  batchSize: 100,
  concurrency: 4,
});
