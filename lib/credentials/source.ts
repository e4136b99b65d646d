import { SecretUnavailableError } from './errors.ts';

export interface SecretGetOptions {
  /** Skip the cache and ask the store again (the new value is cached). */
  readonly forceFetch?: boolean;
}

/** Where secret values come from, by id: Secrets Manager in AWS, memory for local runs and tests. */
export interface SecretSource {
  /**
   * The secret's string value. Throws {@link SecretUnavailableError} when the store cannot give it,
   * `SecretFormatError` when it holds no string.
   */
  get(secretId: string, options?: SecretGetOptions): Promise<string>;
}

/** Serves fixed values from memory (local runs); an unknown id throws {@link SecretUnavailableError}. */
export function staticSecretSource(values: Readonly<Record<string, string>>): SecretSource {
  const known = new Map(Object.entries(values));
  return {
    async get(secretId) {
      const value = known.get(secretId);
      if (value === undefined) throw new SecretUnavailableError(secretId);
      return value;
    },
  };
}
