import { TopAuthError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';

/**
 * Makes a TOP call with `credentials`. After an auth error (26/27/44, `IllegalAccessToken`: a session
 * may have been rotated or renewed since it was cached) `refresh()` reads the credentials again once
 * and, if they changed, the call is made once more with `current()`. Any other outcome is the
 * caller's, as it came.
 */
export async function withOneCredentialsRefresh<T>(
  refresh: () => Promise<boolean>,
  credentials: TopCredentials,
  current: () => Promise<TopCredentials>,
  call: (credentials: TopCredentials) => Promise<T>,
  onRetry?: (error: TopAuthError) => void,
): Promise<T> {
  try {
    return await call(credentials);
  } catch (error) {
    if (!(error instanceof TopAuthError) || !(await refresh().catch(() => false))) throw error;
    onRetry?.(error);
    return call(await current());
  }
}
