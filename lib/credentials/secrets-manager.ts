import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretFormatError, SecretUnavailableError } from './errors.ts';
import { checkSeconds, rejectUnknownOptions } from './options.ts';
import type { SecretSource } from './source.ts';

/** How long a fetched value is served from the container's cache before Secrets Manager is asked again. */
const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

export interface SecretsManagerSourceOptions {
  /** Default: a client for the function's region, built here. */
  readonly client?: SecretsManagerClient;
  /** Default {@link DEFAULT_SECRET_MAX_AGE_SECONDS}; 0 turns the cache off. */
  readonly maxAgeSeconds?: number;
}

/**
 * Secrets Manager through Powertools' `SecretsProvider`: each value is cached for the life of the
 * container up to `maxAgeSeconds`. Build one per container, at module scope, and share it.
 */
export function secretsManagerSource(options: SecretsManagerSourceOptions = {}): SecretSource {
  rejectUnknownOptions('secretsManagerSource', options, ['client', 'maxAgeSeconds']);
  const maxAge = checkSeconds('maxAgeSeconds', options.maxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS);
  // The cache lives in this provider instance, so every source (and every test) has its own.
  const provider = new SecretsProvider(options.client ? { awsSdkV3Client: options.client } : {});
  return {
    async get(secretId, { forceFetch = false } = {}) {
      let value: string | Uint8Array | undefined;
      try {
        value = await provider.get(secretId, { maxAge, forceFetch });
      } catch (error) {
        // Powertools wraps the SDK error; keep the SDK's (AccessDenied, ResourceNotFound…) for the logs.
        const cause = error instanceof GetParameterError && error.cause !== undefined ? error.cause : error;
        throw new SecretUnavailableError(secretId, { cause });
      }
      if (typeof value !== 'string') {
        throw new SecretFormatError(secretId, ['the secret holds no SecretString (it is binary or empty)']);
      }
      return value;
    },
  };
}
