import type { AuthorizationStates } from './authorization-states.ts';
import { AuthorizationNotConfiguredError, InvalidSellerIdError } from './errors.ts';
import { SELLER_ID_PATTERN } from './seller.ts';

/** Where the platform sends the seller back, under this deployment's public address. */
export const CALLBACK_PATH = '/oauth/callback';

export interface AuthorizeDeps {
  readonly states: Pick<AuthorizationStates, 'issue'>;
  /** The AliExpress Open Platform's host, where its consent page is. */
  readonly aeGatewayUrl: string | undefined;
  /** This deployment's public address: the callback is under it. */
  readonly publicUrl: string | undefined;
  /** The AliExpress app's key (the `client_id`). */
  readonly appKey: () => Promise<string>;
}

/** Throws {@link InvalidSellerIdError} unless `sellerId` is 1–64 of `[A-Za-z0-9._-]`. */
export function checkSellerId(sellerId: string | undefined): string {
  if (sellerId === undefined || !SELLER_ID_PATTERN.test(sellerId)) throw new InvalidSellerIdError();
  return sellerId;
}

/**
 * The platform's consent page for `sellerId`, with a fresh single-use `state` bound to the seller:
 * `force_auth` makes the platform ask even a seller logged in as someone else.
 */
export async function authorizationLink(deps: AuthorizeDeps, sellerId: string): Promise<string> {
  checkSellerId(sellerId);
  if (!deps.aeGatewayUrl) throw new AuthorizationNotConfiguredError('AE_GATEWAY_URL is not set');
  if (!deps.publicUrl) throw new AuthorizationNotConfiguredError('PUBLIC_URL is not set');
  const [clientId, state] = await Promise.all([deps.appKey(), deps.states.issue(sellerId)]);
  const link = new URL('/oauth/authorize', deps.aeGatewayUrl);
  link.search = new URLSearchParams({
    response_type: 'code',
    force_auth: 'true',
    client_id: clientId,
    redirect_uri: `${deps.publicUrl}${CALLBACK_PATH}`,
    state,
  }).toString();
  return link.href;
}
