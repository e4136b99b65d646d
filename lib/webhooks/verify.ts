import { timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.ts';
import { webhookKey } from './secrets.ts';
import { webhookSignature } from './sign.ts';

/** The Standard Webhooks default: a delivery may be this far from our clock either way. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface VerifyWebhookInput {
  /** Request headers, names in lowercase (as API Gateway and Node give them). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes received, before any parsing. */
  readonly rawBody: string | Uint8Array;
  /** `whsec_<base64>` secrets; a signature made with any of them is accepted (receiver-side rotation). */
  readonly secrets: readonly string[];
  /** Clock in ms; default `Date.now`. */
  readonly now?: () => number;
  readonly toleranceSeconds?: number;
}

/** What a verified delivery says about itself. */
export interface VerifiedWebhook {
  readonly id: string;
  /** Unix seconds, as signed. */
  readonly timestamp: number;
}

// Whole unix seconds; the header is signed as written, so nothing looser than digits is read.
const TIMESTAMP = /^\d{1,15}$/;

/**
 * Checks a Standard Webhooks delivery: the three headers, the timestamp within the tolerance, and
 * at least one `v1` signature made with one of `secrets` over `id.timestamp.rawBody`. Other
 * signature versions are ignored. Throws {@link WebhookVerificationError} on any failure.
 */
export function verifyWebhook(input: VerifyWebhookInput): VerifiedWebhook {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`toleranceSeconds must be a non-negative number, got ${tolerance}`);
  }
  if (input.secrets.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  // A bad secret is our misconfiguration, not the sender's fault: decode before looking at the request.
  const keys = input.secrets.map((secret) => webhookKey(secret));

  const id = input.headers['webhook-id'];
  const stamp = input.headers['webhook-timestamp'];
  const signatures = input.headers['webhook-signature'];
  if (!id || !stamp || !signatures) throw new WebhookVerificationError('missing_headers');
  if (!TIMESTAMP.test(stamp)) throw new WebhookVerificationError('bad_timestamp');
  const timestamp = Number(stamp);
  const age = Math.floor((input.now ?? Date.now)() / 1000) - timestamp;
  if (age > tolerance) throw new WebhookVerificationError('too_old');
  if (-age > tolerance) throw new WebhookVerificationError('too_new');

  const offered = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'utf8'));
  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(webhookSignature(key, id, stamp, input.rawBody), 'utf8');
    for (const signature of offered) {
      // Lengths are public (a SHA-256 digest in base64); only equal lengths are compared, in constant time.
      const equal = signature.length === expected.length && timingSafeEqual(signature, expected);
      matched = equal || matched;
    }
  }
  if (!matched) throw new WebhookVerificationError('no_matching_signature');
  return { id, timestamp };
}
