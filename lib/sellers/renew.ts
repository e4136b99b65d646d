import { randomUUID } from 'node:crypto';
import { errorName, type Log } from '#lib/observability/log.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import type { SellerRegistry } from './registry.ts';
import {
  authorizationOf,
  renewAt,
  type SellerAuthorization,
  type SellerLastError,
  type SellerRecord,
  type SellerTokens,
  statusAt,
} from './seller.ts';
import { readTokenGrant } from './token-grant.ts';
import type { SellerTokenVault } from './token-vault.ts';

export interface RenewalDeps {
  readonly registry: Pick<SellerRegistry, 'due' | 'hold' | 'save' | 'releaseOrLog'>;
  readonly vault: Pick<SellerTokenVault, 'read' | 'write'>;
  readonly top: Pick<TopClient, 'rest'>;
  /** The AliExpress app's keys: tokens are refreshed in the app's name. */
  readonly appCredentials: () => Promise<TopCredentials>;
  readonly log: Log;
  readonly now?: () => number;
}

export interface RenewalOptions {
  /** Budget of one refresh call. */
  readonly deadlineMs: number;
  /** How long a seller is held: past the end of this invocation, so no one else takes it meanwhile. */
  readonly leaseMs: number;
  /** Sellers looked at in this run; the rest are due again at the next. */
  readonly limit: number;
  /** Sellers renewed at once. */
  readonly concurrency: number;
}

/** What became of one seller: renewed, only moved on in its dates, failed for now, refused for good… */
export type RenewalOutcome = 'renewed' | 'unchanged' | 'failed' | 'reauthorize' | 'busy' | 'removed';

export type RenewalReport = Readonly<Record<RenewalOutcome, number>>;

/** One run of the renewal: every seller due by now, each held alone while it is looked at. */
export async function renewDueSellers(deps: RenewalDeps, options: RenewalOptions): Promise<RenewalReport> {
  const now = deps.now ?? Date.now;
  const due = await deps.registry.due(now(), options.limit);
  const report: Record<RenewalOutcome, number> = {
    renewed: 0,
    unchanged: 0,
    failed: 0,
    reauthorize: 0,
    busy: 0,
    removed: 0,
  };
  const work = async () => {
    for (let sellerId = due.shift(); sellerId !== undefined; sellerId = due.shift()) {
      const outcome = await renewSeller(deps, sellerId, options).catch((error: unknown) => {
        // Our store or the secrets down: the seller stays due, and the next run tries again.
        deps.log.error('token renewal failed', { seller_id: sellerId, error: errorName(error) });
        return 'failed' as const;
      });
      report[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, work));
  return report;
}

/**
 * Looks at one seller under a lease: renews the access token from its half-life on, with the new
 * tokens stored (both at once) before the record says so; a refusal makes the seller REAUTHORIZE,
 * and a passing failure is tried again at the next run while the current token keeps working.
 */
export async function renewSeller(
  deps: RenewalDeps,
  sellerId: string,
  options: Pick<RenewalOptions, 'deadlineMs' | 'leaseMs'>,
): Promise<RenewalOutcome> {
  const now = deps.now ?? Date.now;
  const token = randomUUID();
  const record = await deps.registry.hold(sellerId, token, now() + options.leaseMs);
  if (!record) return 'busy';
  let saved = false;
  const save = async (authorization: SellerAuthorization, outcome: RenewalOutcome) => {
    saved = await deps.registry.save({ seller_id: sellerId, authorization }, token);
    if (!saved) deps.log.warn('seller record not saved: its lease was taken over', { seller_id: sellerId });
    return outcome;
  };
  try {
    const tokens = await deps.vault.read(sellerId);
    if (!tokens) {
      // An authorization that never stored its tokens leaves nothing to renew.
      if (!record.authorization) return 'removed';
      return save(
        refusedWith(record.authorization, {
          code: 'TokensMissing',
          message: 'the seller’s token secret is gone',
        }),
        'reauthorize',
      );
    }
    const current = reconciled(record, tokens);
    // A REAUTHORIZE seller leaves the due partitions: one looked at now turns so now, unless it was
    // refused before (read from an index entry not yet moved).
    const wasRefused = record.authorization?.refused === true;
    if (statusAt(current, now()) === 'REAUTHORIZE')
      return save(current, wasRefused ? 'unchanged' : 'reauthorize');
    if (now() < renewAt(current)) return save(current, 'unchanged');
    return await refresh(deps, sellerId, current, tokens, options.deadlineMs, save);
  } finally {
    if (!saved) {
      await deps.registry.releaseOrLog(record, token, deps.log);
    }
  }
}

async function refresh(
  deps: RenewalDeps,
  sellerId: string,
  current: SellerAuthorization,
  tokens: SellerTokens,
  deadlineMs: number,
  save: (authorization: SellerAuthorization, outcome: RenewalOutcome) => Promise<RenewalOutcome>,
): Promise<RenewalOutcome> {
  const now = deps.now ?? Date.now;
  let body: Record<string, unknown>;
  try {
    ({ body } = await deps.top.rest(
      '/auth/token/refresh',
      { refresh_token: tokens.refresh_token },
      await deps.appCredentials(),
      {
        deadlineMs,
      },
    ));
  } catch (error) {
    if (!(error instanceof TopError)) throw error;
    const lastError = {
      code: String(error.code ?? error.subCode ?? error.kind),
      message: error.subMsg ?? error.msg ?? error.message,
    };
    if (error.kind === 'auth') {
      deps.log.warn('token renewal refused: the seller must authorize again', {
        seller_id: sellerId,
        code: lastError.code,
      });
      return save(refusedWith(current, lastError), 'reauthorize');
    }
    deps.log.warn('token renewal failed; tried again at the next run', {
      seller_id: sellerId,
      code: lastError.code,
    });
    return save({ ...current, last_error: lastError }, 'failed');
  }
  const at = now();
  let renewed: SellerTokens;
  let refreshable: boolean;
  try {
    const grant = readTokenGrant(body, at);
    refreshable = grant.refreshable;
    renewed = { ...grant.tokens, generation: tokens.generation, authorized_at: tokens.authorized_at };
    // Stored before anything else uses them: the refresh token just spent works no more.
    await deps.vault.write(sellerId, renewed);
  } catch (error) {
    // The one window that costs an authorization: the platform renewed, and its answer is lost.
    deps.log.error('renewed tokens could not be stored: the seller will have to authorize again', {
      seller_id: sellerId,
      error: errorName(error),
    });
    const lastError = { code: 'TokensNotStored', message: 'renewed tokens could not be stored' };
    return save({ ...current, last_error: lastError }, 'failed');
  }
  // The record follows the secret; if this write is lost, the next run reads the dates from the secret.
  const authorization = authorizationOf(renewed, {
    last_refreshed_at: at,
    refused: refreshable ? undefined : true,
  });
  return save(authorization, refreshable ? 'renewed' : 'reauthorize');
}

/** The record's view of the authorization, or the secret's where that is newer (a writer died before the record). */
function reconciled(record: SellerRecord, tokens: SellerTokens): SellerAuthorization {
  const known = record.authorization;
  const newer =
    !known ||
    tokens.generation > known.generation ||
    (tokens.generation === known.generation && tokens.tokens_issued_at > known.tokens_issued_at);
  if (!newer) return known;
  return authorizationOf(tokens, { last_refreshed_at: known?.last_refreshed_at });
}

const refusedWith = (
  authorization: SellerAuthorization,
  lastError: SellerLastError,
): SellerAuthorization => ({
  ...authorization,
  refused: true,
  last_error: lastError,
});
