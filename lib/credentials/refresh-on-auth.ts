import { TopAuthError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';

/**
 * Makes a TOP call with `credentials`. After an auth error (26/27/44: a session may have been
 * rotated since the secret was cached) the secret is refetched once and, if it changed, the call is
 * made once more with `current()`. Any other outcome is the caller's, as it came.
 */
export async function withOneCredentialsRefresh<T>(
  source: { refresh(): Promise<boolean> },
  credentials: TopCredentials,
  current: () => Promise<TopCredentials>,
  call: (credentials: TopCredentials) => Promise<T>,
  onRetry?: (error: TopAuthError) => void,
): Promise<T> {
  try {
    return await call(credentials);
  } catch (error) {
    if (!(error instanceof TopAuthError) || !(await source.refresh().catch(() => false))) throw error;
    onRetry?.(error);
    return call(await current());
  }
}
