import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { withOneCredentialsRefresh } from '#lib/credentials/refresh-on-auth.ts';
import type { Log } from '#lib/observability/log.ts';
import { callTopApi, type TopApi, type TopApiResult } from '#lib/top/apis/api.ts';
import type { TopClient } from '#lib/top/client.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import type { Operation } from './operation.ts';

type AnyTopApi = TopApi<never, never>;

/** The credentials an operation's call is signed with: the seller's, or the app's alone. */
export async function credentialsFor(
  source: CredentialsSource,
  api: AnyTopApi,
  operation: Operation,
): Promise<TopCredentials> {
  if (!api.requiresSession) return source.app(api.platform);
  return (await source.forSeller(operation.request.seller_id, api.platform)).credentials;
}

/**
 * Makes an operation's call from its outbox request. After an auth error, once, with credentials
 * refetched if they changed meanwhile (a rotated session); `onCall` counts each call sent.
 */
export function callOperationApi(
  deps: { readonly top: TopClient; readonly credentials: CredentialsSource; readonly log: Log },
  api: AnyTopApi,
  operation: Operation,
  credentials: TopCredentials,
  options: { readonly deadlineMs: number; readonly onCall: () => void },
): Promise<TopApiResult<unknown>> {
  const { credentials: source, log } = deps;
  return withOneCredentialsRefresh(
    () => source.refresh(operation.request.seller_id),
    credentials,
    () => credentialsFor(source, api, operation),
    (current) => {
      options.onCall();
      return callTopApi(api, deps.top, current, operation.request.params as never, {
        deadlineMs: options.deadlineMs,
      });
    },
    (error) =>
      log.info('retrying with refreshed TOP credentials', { code: error.code, sub_code: error.subCode }),
  );
}
