// GET /oauth/callback (public): the platform sends the seller's browser back here after consent.
import { loadConfig } from '#lib/config/config.ts';
import { oauthCallbackHandler } from '#lib/handlers/oauth-callback.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts, requireSellerParts } from '#lib/runtime/seller-parts.ts';

const runtime = buildRuntime(
  loadConfig(process.env, { sellers: ['table'] }),
  'oauth-callback',
  {},
  { sellers: buildSellerParts },
);
const { vault, registry, states } = requireSellerParts(runtime.sellers);

export const handler = oauthCallbackHandler({
  ...runtime,
  vault,
  registry,
  states,
  appCredentials: () => runtime.credentials.app('aliexpress'),
  deadlineMs: runtime.topDeadlineMs,
  // Longer than this function's timeout (15 s): a lease outlives the invocation that took it.
  leaseMs: 45_000,
});
