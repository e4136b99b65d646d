import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidNextTokenException,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretsManagerSource } from '#lib/credentials/secrets-manager.ts';
import { type LocalAwsServices, startLocalAwsServices } from '#local/aws-services.ts';
import { CorruptSecretFileError, openLocalSecretStore } from '#local/secrets-manager.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const TOKEN_A = '11111111-1111-4111-8111-111111111111';
const TOKEN_B = '22222222-2222-4222-8222-222222222222';
const DAY_MS = 86_400_000;

let dir: string;
let clock: number;
let services: LocalAwsServices;
let client: SecretsManagerClient;

/** The store on `dir` behind a fresh endpoint, as the local stack starts it. */
async function start(): Promise<void> {
  const secrets = await openLocalSecretStore({ dir, now: () => clock });
  services = await startLocalAwsServices({ queues: {}, putEvents: async () => {}, secrets });
  client = new SecretsManagerClient({ endpoint: services.url, region: 'local', credentials, maxAttempts: 1 });
}

async function stop(): Promise<void> {
  client.destroy();
  await services.close();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

const getValue = (SecretId: string) => client.send(new GetSecretValueCommand({ SecretId }));
const create = (Name: string, SecretString?: string) =>
  client.send(new CreateSecretCommand({ Name, SecretString }));
const put = (SecretId: string, SecretString: string, ClientRequestToken?: string) =>
  client.send(new PutSecretValueCommand({ SecretId, SecretString, ClientRequestToken }));

/** The raw answer to one call, for what the SDK does not show: status, content type, body. */
async function call(target: string, body: string) {
  const response = await fetch(services.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-secrets-'));
  clock = Date.parse('2025-01-01T00:00:00Z');
  await start();
});
afterEach(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the local Secrets Manager, through the real SDK client', () => {
  it('creates a secret and answers its value by name and by the ARN it returned', async () => {
    const created = await create('top-webhooks/top-credentials', '{"app_key":"k"}');
    expect(created.Name).toBe('top-webhooks/top-credentials');
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:local:000000000000:secret:top-webhooks\/top-credentials-[A-Za-z0-9]{6}$/,
    );
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    const byName = await getValue('top-webhooks/top-credentials');
    expect(byName).toMatchObject({
      ARN: created.ARN,
      Name: created.Name,
      VersionId: created.VersionId,
      SecretString: '{"app_key":"k"}',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: new Date(clock),
    });
    expect((await getValue(created.ARN ?? '')).SecretString).toBe('{"app_key":"k"}');
  });

  it("serves the functions' own secret source (Powertools SecretsProvider)", async () => {
    await create('top-webhooks/wms-webhook-secret', 'whsec_local');
    const source = secretsManagerSource({ client, maxAgeSeconds: 0 });
    expect(await source.get('top-webhooks/wms-webhook-secret')).toBe('whsec_local');
    await put('top-webhooks/wms-webhook-secret', 'whsec_rotated');
    expect(await source.get('top-webhooks/wms-webhook-secret')).toBe('whsec_rotated');
  });

  it('finds a secret by its ARN without the random suffix, as AWS does', async () => {
    await create('partial', 'v');
    const value = await getValue('arn:aws:secretsmanager:local:000000000000:secret:partial');
    expect(value.SecretString).toBe('v');
  });

  it('gives a secret made again under the same name another ARN', async () => {
    const first = await create('again', 'v');
    await client.send(new DeleteSecretCommand({ SecretId: 'again', ForceDeleteWithoutRecovery: true }));
    const second = await create('again', 'v');
    expect(second.ARN).not.toBe(first.ARN);
    await expect(getValue(first.ARN ?? '')).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps the newest value as AWSCURRENT and the one before as AWSPREVIOUS, and no older one', async () => {
    const first = await create('rotated', 'one');
    const second = await put('rotated', 'two');
    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    expect((await getValue('rotated')).SecretString).toBe('two');
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'rotated', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({
      SecretString: 'one',
      VersionId: first.VersionId,
      VersionStages: ['AWSPREVIOUS'],
    });

    const third = await put('rotated', 'three');
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'rotated' }));
    expect(described.VersionIdsToStages).toEqual({
      [third.VersionId ?? '']: ['AWSCURRENT'],
      [second.VersionId ?? '']: ['AWSPREVIOUS'],
    });
    await expect(
      client.send(new GetSecretValueCommand({ SecretId: 'rotated', VersionId: first.VersionId })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('takes concurrent puts one at a time, so that none is lost from AWSPREVIOUS', async () => {
    await create('busy', 'initial');
    const values = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(values.map((value) => put('busy', value)));
    const current = await getValue('busy');
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'busy', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(values).toContain(current.SecretString);
    // Two puts that both started from 'initial' would each have demoted it, losing the other's value.
    expect(values).toContain(previous.SecretString);
    expect(previous.SecretString).not.toBe(current.SecretString);
  });

  it('answers a version by its VersionId', async () => {
    const first = await create('by-version', 'one');
    await put('by-version', 'two');
    const value = await client.send(
      new GetSecretValueCommand({ SecretId: 'by-version', VersionId: first.VersionId }),
    );
    expect(value.SecretString).toBe('one');
  });

  it('makes the ClientRequestToken the VersionId', async () => {
    await create('token-as-version', 'one');
    expect((await put('token-as-version', 'two', TOKEN_A)).VersionId).toBe(TOKEN_A);
    expect((await getValue('token-as-version')).VersionId).toBe(TOKEN_A);
  });

  it('answers a retried PutSecretValue (same token, same value) with the same version, adding none', async () => {
    await create('retried', 'one');
    const first = await put('retried', 'two', TOKEN_A);
    clock += 1000;
    const retried = await put('retried', 'two', TOKEN_A);
    expect(retried).toMatchObject({ VersionId: first.VersionId, VersionStages: ['AWSCURRENT'] });
    // Had the retry added a version, 'one' would no longer be AWSPREVIOUS.
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'retried', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('one');
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'retried' }));
    expect(described.LastChangedDate).toEqual(new Date(clock - 1000));
  });

  it('refuses a ClientRequestToken used before with another value (ResourceExistsException)', async () => {
    await create('reused-token', 'one');
    await put('reused-token', 'two', TOKEN_A);
    await expect(put('reused-token', 'other', TOKEN_A)).rejects.toBeInstanceOf(ResourceExistsException);
    expect((await getValue('reused-token')).SecretString).toBe('two');
  });

  it('answers a retried CreateSecret (same token, same value) as the first call, and refuses another value', async () => {
    const request = { Name: 'created-once', SecretString: 'v', ClientRequestToken: TOKEN_B };
    const first = await client.send(new CreateSecretCommand(request));
    const retried = await client.send(new CreateSecretCommand(request));
    expect(retried).toMatchObject({ ARN: first.ARN, Name: first.Name, VersionId: TOKEN_B });
    await expect(
      client.send(new CreateSecretCommand({ ...request, SecretString: 'other' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('refuses to create a name that exists (ResourceExistsException)', async () => {
    await create('taken', 'one');
    const error = await create('taken', 'two').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceExistsException);
    expect((error as Error).message).toBe('The operation failed because the secret taken already exists.');
    expect((await getValue('taken')).SecretString).toBe('one');
  });

  it('answers ResourceNotFoundException for a secret it does not have, as AWS words it', async () => {
    const error = await getValue('nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe("Secrets Manager can't find the specified secret.");
    await expect(put('nope', 'v')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DescribeSecretCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(client.send(new DeleteSecretCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('creates a secret without a value, whose value is then not found until one is put', async () => {
    const created = await create('empty');
    expect(created.VersionId).toBeUndefined();
    await expect(getValue('empty')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await put('empty', 'now');
    expect((await getValue('empty')).SecretString).toBe('now');
  });

  it('keeps a binary value', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: bytes }));
    const value = await getValue('binary');
    expect(value.SecretString).toBeUndefined();
    expect(value.SecretBinary).toEqual(bytes);
  });

  it('refuses SecretString and SecretBinary together, and a put with neither (InvalidParameterException)', async () => {
    await expect(
      client.send(
        new CreateSecretCommand({ Name: 'both', SecretString: 'v', SecretBinary: Uint8Array.from([1]) }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await create('neither', 'v');
    await expect(client.send(new PutSecretValueCommand({ SecretId: 'neither' }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it('refuses a missing SecretId and a name AWS would not take (ValidationException)', async () => {
    const missing = await client
      .send(new GetSecretValueCommand({ SecretId: undefined }))
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(SecretsManagerServiceException);
    expect((missing as Error).name).toBe('ValidationException');
    expect((missing as Error).message).toContain('SecretId');
    const badName = await create('no spaces', 'v').catch((caught: unknown) => caught);
    expect((badName as Error).name).toBe('ValidationException');
  });

  it('describes a secret without its value', async () => {
    await client.send(
      new CreateSecretCommand({
        Name: 'described',
        Description: 'the TOP app',
        SecretString: 'hidden',
        Tags: [{ Key: 'team', Value: 'fulfilment' }],
      }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'described' }));
    expect(described).toMatchObject({
      Name: 'described',
      Description: 'the TOP app',
      Tags: [{ Key: 'team', Value: 'fulfilment' }],
      CreatedDate: new Date(clock),
      LastChangedDate: new Date(clock),
    });
    expect(described.DeletedDate).toBeUndefined();
    expect(JSON.stringify(described)).not.toContain('hidden');
  });

  it('lists secrets by name prefix, a page of MaxResults at a time', async () => {
    for (const name of ['app/a', 'app/b', 'other/c', 'app/d']) {
      await create(name, 'v');
      clock += 1000;
    }
    const filter = { Key: 'name' as const, Values: ['app/'] };
    const first = await client.send(new ListSecretsCommand({ Filters: [filter], MaxResults: 2 }));
    expect(first.SecretList?.map((secret) => secret.Name)).toEqual(['app/a', 'app/b']);
    expect(first.NextToken).toBeDefined();
    const second = await client.send(
      new ListSecretsCommand({ Filters: [filter], MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.SecretList?.map((secret) => secret.Name)).toEqual(['app/d']);
    expect(second.NextToken).toBeUndefined();
    expect(Object.values(second.SecretList?.[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });

  it('pages through every secret with the SDK paginator, newest first when asked', async () => {
    const names = Array.from({ length: 5 }, (_, index) => `paged-${index}`);
    for (const name of names) {
      await create(name, 'v');
      clock += 1000;
    }
    const listed: string[] = [];
    for await (const page of paginateListSecrets({ client, pageSize: 2 }, { SortOrder: 'desc' })) {
      listed.push(...(page.SecretList ?? []).map((secret) => secret.Name ?? ''));
    }
    expect(listed).toEqual([...names].reverse());
  });

  it('excludes by a negated filter value and matches descriptions ignoring case', async () => {
    await client.send(new CreateSecretCommand({ Name: 'app/keep', Description: 'Webhook secret' }));
    await client.send(new CreateSecretCommand({ Name: 'app/skip', Description: 'webhook other' }));
    const listed = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'description', Values: ['WEBHOOK'] },
          { Key: 'name', Values: ['!app/skip'] },
        ],
      }),
    );
    expect(listed.SecretList?.map((secret) => secret.Name)).toEqual(['app/keep']);
  });

  it('refuses a NextToken it did not give (InvalidNextTokenException)', async () => {
    await expect(client.send(new ListSecretsCommand({ NextToken: 'bogus!' }))).rejects.toBeInstanceOf(
      InvalidNextTokenException,
    );
  });

  it('marks a secret deleted: its value is refused (InvalidRequestException), listing leaves it out unless asked', async () => {
    await create('doomed', 'v');
    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }),
    );
    expect(deleted.DeletionDate).toEqual(new Date(clock + 7 * DAY_MS));

    const error = await getValue('doomed').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect((error as Error).message).toContain('marked for deletion');
    await expect(put('doomed', 'again')).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(create('doomed', 'again')).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(client.send(new DeleteSecretCommand({ SecretId: 'doomed' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );

    const described = await client.send(new DescribeSecretCommand({ SecretId: 'doomed' }));
    expect(described.DeletedDate).toEqual(new Date(clock));
    expect((await client.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    const withPlanned = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(withPlanned.SecretList?.map((secret) => secret.Name)).toEqual(['doomed']);
  });

  it('forgets a secret once its recovery window has passed, on disk too', async () => {
    await create('expiring', 'v');
    await client.send(new DeleteSecretCommand({ SecretId: 'expiring', RecoveryWindowInDays: 7 }));
    clock += 7 * DAY_MS;
    await expect(getValue('expiring')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await restart();
    expect(await readdir(dir)).toEqual([]);
    await create('expiring', 'reborn');
    expect((await getValue('expiring')).SecretString).toBe('reborn');
  });

  it('removes a secret deleted with ForceDeleteWithoutRecovery, so that its name is free again', async () => {
    await create('gone', 'v');
    await client.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await expect(getValue('gone')).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await readdir(dir)).toEqual([]);
    await create('gone', 'back');
    expect((await getValue('gone')).SecretString).toBe('back');
  });

  it('answers a forced delete of a secret it does not have as done, as AWS does', async () => {
    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: 'never-was', ForceDeleteWithoutRecovery: true }),
    );
    expect(deleted.Name).toBe('never-was');
  });

  it('refuses ForceDeleteWithoutRecovery with RecoveryWindowInDays, and a window outside 7–30 days', async () => {
    await create('kept', 'v');
    await expect(
      client.send(
        new DeleteSecretCommand({
          SecretId: 'kept',
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      client.send(new DeleteSecretCommand({ SecretId: 'kept', RecoveryWindowInDays: 6 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect((await getValue('kept')).SecretString).toBe('v');
  });
});

describe('the local Secrets Manager on disk', () => {
  it('keeps a value across a restart of the store', async () => {
    const created = await create('durable', 'one');
    const second = await put('durable', 'two');
    await client.send(new CreateSecretCommand({ Name: 'durable-doomed', SecretString: 'x' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'durable-doomed' }));
    await restart();

    expect(await getValue('durable')).toMatchObject({ ARN: created.ARN, SecretString: 'two' });
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'durable' }));
    expect(described.VersionIdsToStages).toEqual({
      [second.VersionId ?? '']: ['AWSCURRENT'],
      [created.VersionId ?? '']: ['AWSPREVIOUS'],
    });
    await expect(getValue('durable-doomed')).rejects.toBeInstanceOf(InvalidRequestException);
    // The ClientRequestToken of a value written before the restart still makes a retry a no-op.
    expect((await put('durable', 'two', second.VersionId)).VersionId).toBe(second.VersionId);
  });

  it('writes each secret to its own file, readable by its owner only, in a directory only its owner may enter', async () => {
    await create('one', 'v');
    await create('two', 'v');
    const files = await readdir(dir);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('keeps a name with slashes under a file name of its own, inside the directory', async () => {
    await create('app/prod/top/credentials', 'deep');
    // Dots and slashes are allowed in a name: it must not lead out of the directory.
    await create('../../escape', 'out');
    const files = await readdir(dir);
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^[0-9a-f]{64}\.json$/);
    await restart();
    expect((await getValue('app/prod/top/credentials')).SecretString).toBe('deep');
    expect((await getValue('../../escape')).SecretString).toBe('out');
  });

  it('leaves no temporary file behind, and clears one a crash left', async () => {
    await create('tidy', 'v');
    await put('tidy', 'w');
    expect((await readdir(dir)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    const [file] = await readdir(dir);
    await writeFile(join(dir, `${file}.crashed.tmp`), 'half a secr');
    await restart();
    expect(await readdir(dir)).toEqual([file]);
    expect((await getValue('tidy')).SecretString).toBe('w');
  });

  it('refuses to open on a secret file it cannot read, without quoting it', async () => {
    await create('broken', 'v');
    const [file = ''] = await readdir(dir);
    await writeFile(join(dir, file), '{"name": "broken", "secret": "s3cr3t-value"');
    await stop();
    const error = await openLocalSecretStore({ dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptSecretFileError);
    expect((error as Error).message).not.toContain('s3cr3t');
    await rm(join(dir, file));
    await start();
  });

  it('keeps values in the files only, never in what the endpoint says about a refused call', async () => {
    const refused = await call('secretsmanager.CreateSecret', '{"Name":"x","SecretString":"s3cr3t-value"');
    expect(refused.status).toBe(400);
    expect(refused.body.__type).toBe('SerializationException');
    expect(JSON.stringify(refused.body)).not.toContain('s3cr3t');
    await create('on-disk', 's3cr3t-value');
    const [file = ''] = await readdir(dir);
    expect(await readFile(join(dir, file), 'utf8')).toContain('s3cr3t-value');
  });
});

describe('the local AWS endpoint serving Secrets Manager', () => {
  it('answers as AWS JSON 1.1, with errors as { __type, message }', async () => {
    await create('typed', 'v');
    const found = await call('secretsmanager.GetSecretValue', '{"SecretId":"typed"}');
    expect(found).toMatchObject({ status: 200, contentType: 'application/x-amz-json-1.1' });
    expect(found.body.CreatedDate).toBe(clock / 1000);
    const missing = await call('secretsmanager.GetSecretValue', '{"SecretId":"nope"}');
    expect(missing).toEqual({
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      body: {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      },
    });
  });

  it('refuses a Secrets Manager call it does not serve', async () => {
    for (const target of ['secretsmanager.RotateSecret', 'secretsmanager.constructor']) {
      const refused = await call(target, '{}');
      expect(refused.status).toBe(400);
      expect(refused.body.__type).toBe('UnknownOperationException');
    }
  });

  it('refuses Secrets Manager calls when it is started without a secret store', async () => {
    const bare = await startLocalAwsServices({ queues: {}, putEvents: async () => {} });
    const bareClient = new SecretsManagerClient({ endpoint: bare.url, region: 'local', credentials });
    const error = await bareClient
      .send(new GetSecretValueCommand({ SecretId: 'x' }))
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('UnknownOperationException');
    bareClient.destroy();
    await bare.close();
  });
});
