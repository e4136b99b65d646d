import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { SecretFormatError, SecretUnavailableError } from '#lib/credentials/errors.ts';
import { issuePaths } from '#lib/dynamo/errors.ts';
import type { SellerTokens } from './seller.ts';
import { GrantFields } from './seller-item.ts';

const SellerTokensValue = z.object({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  ...GrantFields.shape,
});

export interface SellerTokenVaultOptions {
  readonly client: SecretsManagerClient;
  /** Name prefix of the sellers' secrets: `<prefix><seller_id>`. */
  readonly prefix: string;
}

/**
 * The sellers' tokens in Secrets Manager, one secret per seller (`<prefix><seller_id>`): encrypted,
 * written whole (access and refresh token together), so a reader never sees half a renewal.
 */
export class SellerTokenVault {
  readonly #client: SecretsManagerClient;
  readonly #prefix: string;

  constructor(options: SellerTokenVaultOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix;
  }

  secretIdOf(sellerId: string): string {
    return `${this.#prefix}${sellerId}`;
  }

  /** The seller's tokens; `undefined` when the seller has no secret (never authorized). */
  async read(sellerId: string): Promise<SellerTokens | undefined> {
    const secretId = this.secretIdOf(sellerId);
    let value: string | undefined;
    try {
      ({ SecretString: value } = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId })));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw new SecretUnavailableError(secretId, { cause: error });
    }
    return parseTokens(secretId, value);
  }

  /** Stores the seller's tokens as the current version, creating the secret for a first authorization. */
  async write(sellerId: string, tokens: SellerTokens): Promise<void> {
    const secretId = this.secretIdOf(sellerId);
    const value = JSON.stringify(tokens);
    const put = () =>
      this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    try {
      await put();
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException))
        throw new SecretUnavailableError(secretId, { cause: error });
      await this.#create(secretId, value, put);
    }
  }

  async #create(secretId: string, value: string, put: () => Promise<unknown>): Promise<void> {
    try {
      await this.#client.send(
        new CreateSecretCommand({
          Name: secretId,
          SecretString: value,
          Description: 'A seller’s platform tokens, written by the OAuth callback and the token renewal',
        }),
      );
    } catch (error) {
      // Created meanwhile by another writer: ours is the newer value.
      if (!(error instanceof ResourceExistsException))
        throw new SecretUnavailableError(secretId, { cause: error });
      await put().catch((cause: unknown) => {
        throw new SecretUnavailableError(secretId, { cause });
      });
    }
  }
}

function parseTokens(secretId: string, value: string | undefined): SellerTokens {
  if (value === undefined) throw new SecretFormatError(secretId, ['the secret holds no SecretString']);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new SecretFormatError(secretId, ['the secret is not JSON']);
  }
  const parsed = SellerTokensValue.safeParse(json);
  if (!parsed.success) {
    throw new SecretFormatError(
      secretId,
      issuePaths(parsed.error.issues).map((path) => `${path} is missing or wrong`),
    );
  }
  return parsed.data;
}
