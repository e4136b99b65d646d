import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretFormatError, SecretUnavailableError } from '#lib/credentials/errors.ts';
import { SellerTokenVault } from '#lib/sellers/token-vault.ts';
import { type LocalAwsServices, startLocalAwsServices } from '#local/aws-services.ts';
import { openLocalSecretStore } from '#local/secrets-manager.ts';
import { DAY, sellerTokens, T0 } from '#test/helpers/sellers.ts';

const PREFIX = 'top-webhooks/sellers/';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let dir: string;
let services: LocalAwsServices;
let client: SecretsManagerClient;
let vault: SellerTokenVault;

// The local Secrets Manager on its loopback endpoint, through the real SDK client.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seller-tokens-'));
  services = await startLocalAwsServices({
    queues: {},
    putEvents: async () => {},
    secrets: await openLocalSecretStore({ dir }),
  });
  client = new SecretsManagerClient({ endpoint: services.url, region: 'local', credentials, maxAttempts: 1 });
  vault = new SellerTokenVault({ client, prefix: PREFIX });
});
afterAll(async () => {
  client.destroy();
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const tokens = sellerTokens;

const renewed = tokens({
  access_token: 'access-s3cr3t-2',
  refresh_token: 'refresh-s3cr3t-2',
  tokens_issued_at: T0 + 15 * DAY,
  access_token_expires_at: T0 + 45 * DAY,
});

const storedValue = async (SecretId: string, VersionStage?: string) =>
  JSON.parse(
    (await client.send(new GetSecretValueCommand({ SecretId, VersionStage }))).SecretString ?? 'null',
  ) as unknown;

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );

describe('SellerTokenVault on the local Secrets Manager', () => {
  it("names each seller's secret <prefix><seller_id>", () => {
    expect(vault.secretIdOf('shop-1')).toBe('top-webhooks/sellers/shop-1');
  });

  it("creates the seller's secret with the first authorization's tokens", async () => {
    await vault.write('first-time', tokens());

    const described = await client.send(new DescribeSecretCommand({ SecretId: `${PREFIX}first-time` }));
    expect(described.Name).toBe(`${PREFIX}first-time`);
    expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    expect(await vault.read('first-time')).toEqual(tokens());
  });

  it('puts renewed tokens as a new version, the ones before kept as AWSPREVIOUS', async () => {
    await vault.write('renewing', tokens());
    await vault.write('renewing', renewed);

    expect(await vault.read('renewing')).toEqual(renewed);
    expect(await storedValue(`${PREFIX}renewing`, 'AWSPREVIOUS')).toEqual(tokens());
    const described = await client.send(new DescribeSecretCommand({ SecretId: `${PREFIX}renewing` }));
    expect(Object.values(described.VersionIdsToStages ?? {}).sort()).toEqual([
      ['AWSCURRENT'],
      ['AWSPREVIOUS'],
    ]);
  });

  it('lets two first writers race: one creates the secret, the other puts its tokens over them', async () => {
    const second = tokens({ generation: 2, access_token: 'access-s3cr3t-b' });
    await Promise.all([vault.write('racing', tokens()), vault.write('racing', second)]);

    const current = await storedValue(`${PREFIX}racing`);
    const previous = await storedValue(`${PREFIX}racing`, 'AWSPREVIOUS');
    expect([current, previous]).toEqual(expect.arrayContaining([tokens(), second]));
    expect(current).not.toEqual(previous);
  });

  it('reads nothing for a seller who never authorized', async () => {
    expect(await vault.read('never-authorized')).toBeUndefined();
  });

  it('refuses a secret that is not JSON, without quoting it', async () => {
    await client.send(
      new CreateSecretCommand({
        Name: `${PREFIX}cut-short`,
        SecretString: '{"access_token":"access-s3cr3t-9","refresh_token":"refresh-s3cr3t-9"',
      }),
    );
    const error = await failureOf(vault.read('cut-short'));
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(error).toMatchObject({ secretId: `${PREFIX}cut-short`, problems: ['the secret is not JSON'] });
    expect(error.message).not.toContain('s3cr3t');
  });

  it('refuses tokens with fields missing or wrong, naming the fields and never the tokens', async () => {
    const { refresh_token: _, ...withoutRefresh } = tokens({ access_token: 'access-s3cr3t-9' });
    await client.send(
      new CreateSecretCommand({
        Name: `${PREFIX}half`,
        SecretString: JSON.stringify({ ...withoutRefresh, generation: 'one' }),
      }),
    );
    const error = await failureOf(vault.read('half'));
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(error).toMatchObject({
      problems: ['refresh_token is missing or wrong', 'generation is missing or wrong'],
    });
    expect(error.message).not.toContain('s3cr3t');
  });

  it('refuses a secret holding no string', async () => {
    await client.send(
      new CreateSecretCommand({ Name: `${PREFIX}binary`, SecretBinary: Uint8Array.from([1, 2, 3]) }),
    );
    expect(await failureOf(vault.read('binary'))).toMatchObject({
      name: 'SecretFormatError',
      problems: ['the secret holds no SecretString'],
    });
  });

  it('says a secret scheduled for deletion is unavailable, not that the seller never authorized', async () => {
    await vault.write('deleted', tokens());
    await client.send(new DeleteSecretCommand({ SecretId: `${PREFIX}deleted`, RecoveryWindowInDays: 7 }));

    expect(await failureOf(vault.read('deleted'))).toBeInstanceOf(SecretUnavailableError);
    expect(await failureOf(vault.write('deleted', renewed))).toBeInstanceOf(SecretUnavailableError);
  });

  it('fails with SecretUnavailableError, the SDK error as cause, when the endpoint is down', async () => {
    const gone = await startLocalAwsServices({ queues: {}, putEvents: async () => {} });
    await gone.close();
    const downClient = new SecretsManagerClient({
      endpoint: gone.url,
      region: 'local',
      credentials,
      maxAttempts: 1,
    });
    const down = new SellerTokenVault({ client: downClient, prefix: PREFIX });

    const read = await failureOf(down.read('shop-1'));
    expect(read).toBeInstanceOf(SecretUnavailableError);
    expect(read).toMatchObject({ secretId: `${PREFIX}shop-1`, status: 503 });
    expect(read.cause).toBeInstanceOf(Error);
    const written = await failureOf(down.write('shop-1', tokens()));
    expect(written).toBeInstanceOf(SecretUnavailableError);
    expect(written.message).not.toContain('s3cr3t');
    downClient.destroy();
  });
});
