import { WebhookSecretFormatError } from './errors.ts';

const PREFIX = 'whsec_';
// Standard alphabet, padding optional (some generators drop it); anything else is a typo or a paste error.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Reads a webhook secret value: one or more `whsec_<base64>` secrets separated by whitespace, the
 * newest usually first. Several secrets let the receiver rotate: any of them may sign a delivery.
 * Throws {@link WebhookSecretFormatError}, naming the entry by position only.
 */
export function parseWebhookSecrets(value: string): string[] {
  const secrets = value.split(/\s+/).filter((entry) => entry !== '');
  if (secrets.length === 0) throw new WebhookSecretFormatError('the webhook secret value is empty');
  secrets.forEach((secret, index) => {
    webhookKey(secret, `webhook secret ${index + 1} of ${secrets.length}`);
  });
  return secrets;
}

/** The HMAC key of one `whsec_<base64>` secret. */
export function webhookKey(secret: string, name = 'the webhook secret'): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : undefined;
  const key = encoded !== undefined && BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
  if (!key || key.length === 0) {
    throw new WebhookSecretFormatError(`${name} is not "${PREFIX}" followed by non-empty base64`);
  }
  return key;
}
