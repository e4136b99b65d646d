import { createHmac } from 'node:crypto';
import { webhookKey } from './secrets.ts';

/** The three Standard Webhooks headers of a signed delivery (a type, so it fits any header record). */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

export interface SignWebhookInput {
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** The exact bytes that will be sent. */
  readonly body: string | Uint8Array;
  /** `whsec_<base64>`. */
  readonly secret: string;
}

/** Signs a delivery as a Standard Webhooks sender does; for our own tools and test fixtures. */
export function signWebhook({ id, timestamp, body, secret }: SignWebhookInput): WebhookHeaders {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`timestamp must be whole unix seconds, got ${timestamp}`);
  }
  const stamp = String(timestamp);
  return {
    'webhook-id': id,
    'webhook-timestamp': stamp,
    'webhook-signature': `v1,${webhookSignature(webhookKey(secret), id, stamp, body)}`,
  };
}

/** Base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, the body taken as raw bytes. */
export function webhookSignature(
  key: Uint8Array,
  id: string,
  timestamp: string,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest('base64');
}
