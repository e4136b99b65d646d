import { createHash } from 'node:crypto';

/** Names a session without holding it: a parked order waits for a session with another fingerprint. */
export const sessionFingerprint = (session: string | undefined): string =>
  session ? createHash('sha256').update(session).digest('base64url').slice(0, 16) : 'none';
