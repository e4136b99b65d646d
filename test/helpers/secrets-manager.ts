import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { type SecretsManagerSourceOptions, secretsManagerSource } from '#lib/credentials/secrets-manager.ts';

/**
 * Mocks every Secrets Manager client of the test file with `aws-sdk-client-mock`; the mock forgets
 * its secrets and calls before each test.
 */
export function mockSecretsManager() {
  const mock = mockClient(SecretsManagerClient);
  beforeEach(() => {
    mock.reset();
  });
  afterAll(() => {
    mock.restore();
  });
  return {
    mock,
    /** Stores a secret's string value, or rotates it. */
    put(secretId: string, value: string): void {
      mock.on(GetSecretValueCommand, { SecretId: secretId }).resolves({ SecretString: value });
    },
    /** How many times GetSecretValue was called for `secretId`. */
    calls(secretId: string): number {
      return mock.commandCalls(GetSecretValueCommand, { SecretId: secretId }).length;
    },
    /** A new source over a new client: its own, empty cache, so no test sees another's values. */
    source(options: Omit<SecretsManagerSourceOptions, 'client'> = {}) {
      return secretsManagerSource({ client: new SecretsManagerClient({ region: 'us-east-1' }), ...options });
    },
  };
}

/**
 * The environment of the functions as deployed: every secret read from Secrets Manager by id, none
 * from the environment. Blank means unset, so a harness's local values give way to the ids.
 */
export function secretIdsEnv(ids: {
  readonly topCredentials: string;
  readonly wmsWebhook?: string;
  readonly storefrontWebhook?: string;
}): Record<string, string> {
  return {
    TOP_APP_KEY: '',
    TOP_APP_SECRET: '',
    TOP_SESSION: '',
    WMS_WEBHOOK_SECRET: '',
    STOREFRONT_WEBHOOK_SECRET: '',
    TOP_CREDENTIALS_SECRET_ID: ids.topCredentials,
    ...(ids.wmsWebhook && { WMS_WEBHOOK_SECRET_ID: ids.wmsWebhook }),
    ...(ids.storefrontWebhook && { STOREFRONT_WEBHOOK_SECRET_ID: ids.storefrontWebhook }),
  };
}
