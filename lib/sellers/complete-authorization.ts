import { randomUUID } from 'node:crypto';
import { ProblemError } from '#lib/errors/problem-error.ts';
import { errorName, type Log } from '#lib/observability/log.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import type { AuthorizationStates } from './authorization-states.ts';
import {
  AuthorizationNotConfiguredError,
  AuthorizationRefusedError,
  AuthorizationStateError,
  AuthorizationUnavailableError,
  MissingAuthorizationCodeError,
  SellerBusyError,
} from './errors.ts';
import type { SellerRegistry } from './registry.ts';
import { authorizationOf, type SellerTokens } from './seller.ts';
import { readTokenGrant } from './token-grant.ts';
import type { SellerTokenVault } from './token-vault.ts';

export interface CallbackDeps {
  readonly states: Pick<AuthorizationStates, 'consume' | 'restore'>;
  readonly registry: Pick<SellerRegistry, 'hold' | 'save' | 'releaseOrLog'>;
  readonly vault: Pick<SellerTokenVault, 'write'>;
  readonly top: Pick<TopClient, 'rest'>;
  /** The AliExpress app's keys: a code is exchanged in the app's name. */
  readonly appCredentials: () => Promise<TopCredentials>;
  /** Budget of the exchange with the platform. */
  readonly deadlineMs: number;
  /** How long the seller is held: longer than the whole callback can take. */
  readonly leaseMs: number;
  readonly log: Log;
  readonly now?: () => number;
}

/** What the platform sent the seller's browser back with. */
export interface CallbackQuery {
  readonly code?: string | undefined;
  readonly state?: string | undefined;
}

/** A seller connected: our name, and the platform's. */
export interface Connected {
  readonly sellerId: string;
  readonly platformSellerId: string;
}

/**
 * The OAuth callback: takes the `state` back (once), exchanges the code for the seller's tokens and
 * stores them, tokens in the seller's secret first and then the record. Anything refused before the
 * tokens are stored leaves nothing behind.
 */
export async function completeAuthorization(deps: CallbackDeps, query: CallbackQuery): Promise<Connected> {
  if (!query.state) throw new AuthorizationStateError('missing');
  const state = await deps.states.consume(query.state);
  if (!state) throw new AuthorizationStateError('unknown');
  if (state.expired) throw new AuthorizationStateError('expired');
  if (!query.code) throw new MissingAuthorizationCodeError();
  const { sellerId } = state;

  try {
    return await connect(deps, sellerId, query.code);
  } catch (error) {
    // A passing failure: the page tells the seller to open the same link again, so it must still work.
    if (error instanceof SellerBusyError || (error instanceof ProblemError && error.status === 503)) {
      await deps.states.restore(query.state, state).catch((cause: unknown) => {
        deps.log.warn('authorization state not put back', { seller_id: sellerId, error: errorName(cause) });
      });
    }
    throw error;
  }
}

/** Holds the seller, exchanges the code, stores the tokens, then the record. */
async function connect(deps: CallbackDeps, sellerId: string, code: string): Promise<Connected> {
  const now = deps.now ?? Date.now;
  // A renewal of the seller must not write the old grant's tokens over the new ones: one holder.
  const token = randomUUID();
  const record = await deps.registry.hold(sellerId, token, now() + deps.leaseMs);
  if (!record) throw new SellerBusyError(sellerId);
  let saved = false;
  try {
    const body = await exchange(deps, code);
    const at = now();
    const { tokens: issued, refreshable } = readTokenGrant(body, at);
    const tokens: SellerTokens = {
      ...issued,
      generation: (record.authorization?.generation ?? 0) + 1,
      authorized_at: at,
    };
    const before = record.authorization?.platform_seller_id;
    if (before !== undefined && before !== tokens.platform_seller_id) {
      // Allowed (the seller logged in as another account), but worth a line: their calls change shop.
      deps.log.warn('seller authorized as another platform account than before', { seller_id: sellerId });
    }
    await deps.vault.write(sellerId, tokens);
    saved = await deps.registry.save(
      {
        seller_id: sellerId,
        authorization: authorizationOf(tokens, { refused: refreshable ? undefined : true }),
      },
      token,
    );
    if (!saved) deps.log.warn('seller record not saved: its lease was taken over', { seller_id: sellerId });
    deps.log.info('seller authorized', { seller_id: sellerId, generation: tokens.generation });
    return { sellerId, platformSellerId: tokens.platform_seller_id };
  } finally {
    if (!saved) {
      await deps.registry.releaseOrLog(record, token, deps.log);
    }
  }
}

// What IOP answers when the app's key, signature, clock or address is at fault, whatever the code.
const APP_REFUSALS = new Set([
  'InvalidAppKey',
  'IncompleteSignature',
  'InvalidTimestamp',
  'AppWhiteIpLimit',
  'InvalidApiPath',
]);

async function exchange(deps: CallbackDeps, code: string): Promise<Record<string, unknown>> {
  try {
    const { body } = await deps.top.rest('/auth/token/create', { code }, await deps.appCredentials(), {
      deadlineMs: deps.deadlineMs,
    });
    return body;
  } catch (error) {
    if (!(error instanceof TopError)) throw error;
    if (error.kind === 'transient' || error.kind === 'rate_limited')
      throw new AuthorizationUnavailableError({ cause: error });
    // The platform refused our app, not the seller's code: an operator must fix the app's settings.
    if (APP_REFUSALS.has(String(error.code)))
      throw new AuthorizationNotConfiguredError(`the platform refused the app's request (${error.code})`, {
        cause: error,
      });
    // The platform's own words (code and message); they never hold the code sent.
    const message = [error.msg, error.subMsg].filter(Boolean).join(': ') || error.message;
    throw new AuthorizationRefusedError(String(error.code ?? error.subCode ?? 'refused'), message, {
      cause: error,
    });
  }
}
