import { SecretFormatError } from '#lib/credentials/errors.ts';
import { rejectUnknownOptions } from '#lib/credentials/options.ts';
import type { SecretGetOptions, SecretSource } from '#lib/credentials/source.ts';
import { WebhookSecretFormatError } from './errors.ts';
import { parseWebhookSecrets } from './secrets.ts';

export interface WebhookSecretsProviderOptions {
  readonly source: SecretSource;
  /** One secret per webhook source (wms, storefront); its value as read by {@link parseWebhookSecrets}. */
  readonly secretId: string;
}

/** The signing secrets of one webhook source, read from the secret store (cached as the source caches). */
export class WebhookSecretsProvider {
  readonly #source: SecretSource;
  readonly #secretId: string;

  constructor(options: WebhookSecretsProviderOptions) {
    rejectUnknownOptions('WebhookSecretsProvider', options, ['source', 'secretId']);
    this.#source = options.source;
    this.#secretId = options.secretId;
  }

  /** The `whsec_` secrets, any of which may sign. A malformed value is a `SecretFormatError`. */
  async get(options: SecretGetOptions = {}): Promise<string[]> {
    const value = await this.#source.get(this.#secretId, options);
    try {
      return parseWebhookSecrets(value);
    } catch (error) {
      if (!(error instanceof WebhookSecretFormatError)) throw error;
      throw new SecretFormatError(this.#secretId, [error.message], { cause: error });
    }
  }
}
