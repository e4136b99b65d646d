import { createHash, randomInt, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './lambda/context.ts';

/** The `X-Amz-Target` prefix of every Secrets Manager call. */
const TARGET_PREFIX = 'secretsmanager.';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const DAY_MS = 86_400_000;
const DEFAULT_RECOVERY_WINDOW_DAYS = 30;
const MAX_LIST_RESULTS = 100;
const SECRET_FILE = /^[0-9a-f]{64}\.json$/;
const TEMP_SUFFIX = '.tmp';

export type SecretsManagerErrorType =
  | 'InvalidNextTokenException'
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ResourceExistsException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'ValidationException';

/** A call Secrets Manager refuses; `type` is the `__type` the SDK turns into its exception class. */
export class SecretsManagerError extends Error {
  readonly type: SecretsManagerErrorType;
  constructor(type: SecretsManagerErrorType, message: string) {
    super(message);
    this.name = 'SecretsManagerError';
    this.type = type;
  }
}

/** A file in the secrets directory that is not a secret as this store writes it. */
export class CorruptSecretFileError extends Error {
  readonly file: string;
  // The reason never quotes the file: it holds secret values.
  constructor(file: string, reason: string) {
    super(`${file} is not a readable secret: ${reason}`);
    this.name = 'CorruptSecretFileError';
    this.file = file;
  }
}

/** What to answer a call with, as AWS JSON 1.1: a 400's body is `{ __type, message }`. */
export interface SecretsManagerAnswer {
  readonly status: 200 | 400;
  readonly body: object;
}

/** Secrets Manager for the local stack, its secrets kept on disk. Open one with {@link openLocalSecretStore}. */
export interface LocalSecretStore {
  /**
   * Answers one call: `target` is its `X-Amz-Target` (see {@link isSecretsManagerTarget}), `body` its
   * JSON. Throws only on a failure of the store itself (the disk), never for a call it refuses.
   */
  handle(target: string, body: Buffer): Promise<SecretsManagerAnswer>;
}

export interface LocalSecretStoreOptions {
  /** One file per secret, readable by the owner only; created (mode 0700) if missing. */
  readonly dir: string;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

/** Whether a call is one for Secrets Manager, by its `X-Amz-Target` header. */
export function isSecretsManagerTarget(target: string | string[] | undefined): target is string {
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

/**
 * Loads the secrets in `dir`: the store answers CreateSecret, PutSecretValue, GetSecretValue,
 * DescribeSecret, ListSecrets and DeleteSecret as AWS does, and writes every change through to disk.
 */
export async function openLocalSecretStore(options: LocalSecretStoreOptions): Promise<LocalSecretStore> {
  const { dir } = options;
  const now = options.now ?? Date.now;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves the mode of a directory that already exists as it was.
  await chmod(dir, 0o700);
  const secrets = new Map<string, StoredSecret>();
  for (const entry of await readdir(dir)) {
    const file = join(dir, entry);
    // A write that a crash cut short: the secret's file still holds what was there before.
    if (entry.endsWith(TEMP_SUFFIX)) {
      await unlink(file).catch(() => {});
      continue;
    }
    if (!SECRET_FILE.test(entry)) continue;
    const secret = await readSecretFile(file);
    if (fileNameFor(secret.name) !== entry)
      throw new CorruptSecretFileError(file, 'it is named for another secret');
    if (isPastRecovery(secret, now())) await unlink(file);
    else secrets.set(secret.name, secret);
  }
  return new SecretStore(dir, secrets, now);
}

const StoredValue = z.object({
  secretString: z.string().optional(),
  /** Base64, as the wire carries it. */
  secretBinary: z.string().optional(),
});
type StoredValue = z.infer<typeof StoredValue>;

const StoredVersion = StoredValue.extend({
  id: z.string(),
  createdMs: z.number(),
  stages: z.array(z.string()),
});
type StoredVersion = z.infer<typeof StoredVersion>;

const Tag = z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) });

/** A secret as its file holds it; times are epoch milliseconds. */
const StoredSecret = z.object({
  name: z.string(),
  arn: z.string(),
  description: z.string().optional(),
  tags: z.array(Tag),
  /** The CreateSecret call's ClientRequestToken, so that its retry is answered as the first call was. */
  creationToken: z.string(),
  createdMs: z.number(),
  changedMs: z.number(),
  /** When DeleteSecret marked it. */
  deletedMs: z.number().optional(),
  /** When its recovery window ends and it is gone. */
  deletionMs: z.number().optional(),
  /** Newest first: the AWSCURRENT version, then the AWSPREVIOUS one. */
  versions: z.array(StoredVersion),
});
type StoredSecret = z.infer<typeof StoredSecret>;

// The request shapes, with AWS's constraints; a call that breaks one is a ValidationException.
const SecretName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'may hold only ASCII letters, digits and /_+=.@-');
const SecretId = z.string().min(1).max(2048);
const Token = z.string().min(32).max(64);
const Stage = z.string().min(1).max(256);
const SecretValue = {
  SecretString: z.string().max(65_536).optional(),
  SecretBinary: z
    .string()
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be base64')
    .refine((value) => Buffer.byteLength(value, 'base64') <= 65_536, 'must be at most 65536 bytes')
    .optional(),
};

const CreateSecretRequest = z.object({
  Name: SecretName,
  ClientRequestToken: Token.optional(),
  Description: z.string().max(2048).optional(),
  Tags: z.array(Tag).max(50).optional(),
  ...SecretValue,
});
const PutSecretValueRequest = z.object({
  SecretId,
  ClientRequestToken: Token.optional(),
  VersionStages: z.array(Stage).min(1).max(20).optional(),
  ...SecretValue,
});
const GetSecretValueRequest = z.object({
  SecretId,
  VersionId: Token.optional(),
  VersionStage: Stage.optional(),
});
const DescribeSecretRequest = z.object({ SecretId });
const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
] as const;
const Filter = z.object({
  Key: z.enum(FILTER_KEYS),
  Values: z
    .array(
      z
        .string()
        .max(512)
        .regex(/^!?[a-zA-Z0-9 :_@/+=.\-!]*$/, 'has a character a filter cannot hold'),
    )
    .min(1)
    .max(10),
});
type Filter = z.infer<typeof Filter>;
const ListSecretsRequest = z.object({
  IncludePlannedDeletion: z.boolean().optional(),
  MaxResults: z.number().int().min(1).max(MAX_LIST_RESULTS).optional(),
  NextToken: z.string().min(1).max(4096).optional(),
  Filters: z.array(Filter).max(10).optional(),
  SortOrder: z.enum(['asc', 'desc']).optional(),
  SortBy: z.enum(['created-date', 'last-accessed-date', 'last-changed-date', 'name']).optional(),
});
const DeleteSecretRequest = z.object({
  SecretId,
  RecoveryWindowInDays: z.number().int().optional(),
  ForceDeleteWithoutRecovery: z.boolean().optional(),
});

const notFound = (what = 'secret') =>
  new SecretsManagerError('ResourceNotFoundException', `Secrets Manager can't find the specified ${what}.`);
const invalidParameter = (message: string) => new SecretsManagerError('InvalidParameterException', message);

class SecretStore implements LocalSecretStore {
  readonly #dir: string;
  /** By name, mirroring the files: changed only once the file is written. */
  readonly #secrets: Map<string, StoredSecret>;
  readonly #now: () => number;
  /** Changes run one at a time, so that two calls on one secret cannot both start from the same state. */
  #changes: Promise<unknown> = Promise.resolve();
  // A Map, not an object: a target such as `secretsmanager.constructor` must find nothing.
  readonly #operations = new Map<string, (input: unknown) => Promise<object>>([
    ['CreateSecret', (input) => this.#createSecret(parse(CreateSecretRequest, input))],
    ['PutSecretValue', (input) => this.#putSecretValue(parse(PutSecretValueRequest, input))],
    ['GetSecretValue', async (input) => this.#getSecretValue(parse(GetSecretValueRequest, input))],
    [
      'DescribeSecret',
      async (input) => describeAnswer(this.#find(parse(DescribeSecretRequest, input).SecretId)),
    ],
    ['ListSecrets', async (input) => this.#listSecrets(parse(ListSecretsRequest, input))],
    ['DeleteSecret', (input) => this.#deleteSecret(parse(DeleteSecretRequest, input))],
  ]);

  constructor(dir: string, secrets: Map<string, StoredSecret>, now: () => number) {
    this.#dir = dir;
    this.#secrets = secrets;
    this.#now = now;
  }

  async handle(target: string, body: Buffer): Promise<SecretsManagerAnswer> {
    try {
      const operation = this.#operations.get(target.slice(TARGET_PREFIX.length));
      if (!operation) {
        throw new SecretsManagerError('UnknownOperationException', `unsupported: ${target}`);
      }
      return { status: 200, body: await operation(parseJson(body)) };
    } catch (error) {
      if (!(error instanceof SecretsManagerError)) throw error;
      return { status: 400, body: { __type: error.type, message: error.message } };
    }
  }

  #createSecret(request: z.output<typeof CreateSecretRequest>) {
    const value = requestedValue(request);
    const token = request.ClientRequestToken ?? randomUUID();
    return this.#change(async () => {
      const existing = this.#live(this.#secrets.get(request.Name));
      if (existing?.deletedMs !== undefined) {
        throw new SecretsManagerError(
          'InvalidRequestException',
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      if (existing) {
        if (existing.creationToken === token && isSameCreation(existing, token, value)) {
          return { ARN: existing.arn, Name: existing.name, VersionId: value ? token : undefined };
        }
        throw new SecretsManagerError(
          'ResourceExistsException',
          `The operation failed because the secret ${request.Name} already exists.`,
        );
      }
      const now = this.#now();
      const secret: StoredSecret = {
        name: request.Name,
        arn: newArn(request.Name),
        description: request.Description,
        tags: request.Tags ?? [],
        creationToken: token,
        createdMs: now,
        changedMs: now,
        versions: value ? [{ id: token, createdMs: now, stages: [CURRENT], ...value }] : [],
      };
      await this.#save(secret);
      return { ARN: secret.arn, Name: secret.name, VersionId: value ? token : undefined };
    });
  }

  #putSecretValue(request: z.output<typeof PutSecretValueRequest>) {
    const value = requestedValue(request);
    if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    const stages = request.VersionStages;
    if (stages && (stages.length !== 1 || stages[0] !== CURRENT)) {
      throw invalidParameter(`The local Secrets Manager stages a new value only as ${CURRENT}.`);
    }
    const token = request.ClientRequestToken ?? randomUUID();
    return this.#change(async () => {
      const secret = this.#usable(request.SecretId);
      const existing = secret.versions.find((version) => version.id === token);
      if (existing) {
        // A retry of a call that already took effect: AWS answers it again and changes nothing.
        if (!isSameValue(existing, value)) {
          throw new SecretsManagerError(
            'ResourceExistsException',
            "You can't modify an existing version, you can only create new versions.",
          );
        }
        return putAnswer(secret, existing);
      }
      const now = this.#now();
      const version: StoredVersion = { id: token, createdMs: now, stages: [CURRENT], ...value };
      const updated: StoredSecret = {
        ...secret,
        changedMs: now,
        versions: [version, ...demoteCurrent(secret.versions)],
      };
      await this.#save(updated);
      return putAnswer(updated, version);
    });
  }

  #getSecretValue(request: z.output<typeof GetSecretValueRequest>) {
    const secret = this.#usable(request.SecretId);
    const { VersionId: id } = request;
    const stage = request.VersionStage ?? (id === undefined ? CURRENT : undefined);
    const version = secret.versions.find(
      (candidate) =>
        (id === undefined || candidate.id === id) &&
        (stage === undefined || candidate.stages.includes(stage)),
    );
    if (!version) {
      const wanted = [id && `VersionId: ${id}`, stage && `staging label: ${stage}`]
        .filter(Boolean)
        .join(' and ');
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${wanted}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.secretString,
      SecretBinary: version.secretBinary,
      VersionStages: version.stages,
      CreatedDate: seconds(version.createdMs),
    };
  }

  #listSecrets(request: z.output<typeof ListSecretsRequest>) {
    if (request.SortBy === 'last-accessed-date') {
      throw invalidParameter('The local Secrets Manager does not keep when a secret was last accessed.');
    }
    if (request.Filters?.some((filter) => filter.Key === 'all')) {
      throw invalidParameter('The local Secrets Manager does not search with the "all" filter.');
    }
    const start = request.NextToken === undefined ? 0 : offsetOf(request.NextToken);
    const order = request.SortOrder === 'desc' ? -1 : 1;
    const compare = comparison(request.SortBy ?? 'created-date');
    const matching = [...this.#secrets.values()]
      .filter((secret) => this.#live(secret) !== undefined)
      .filter((secret) => request.IncludePlannedDeletion || secret.deletedMs === undefined)
      .filter((secret) => (request.Filters ?? []).every((filter) => matches(secret, filter)))
      .sort((a, b) => order * compare(a, b));
    const end = start + (request.MaxResults ?? MAX_LIST_RESULTS);
    return {
      SecretList: matching.slice(start, end).map((secret) => ({
        ...summary(secret),
        SecretVersionsToStages: versionsToStages(secret),
      })),
      NextToken: end < matching.length ? Buffer.from(String(end)).toString('base64url') : undefined,
    };
  }

  #deleteSecret(request: z.output<typeof DeleteSecretRequest>) {
    const force = request.ForceDeleteWithoutRecovery === true;
    if (force && request.RecoveryWindowInDays !== undefined) {
      throw invalidParameter(
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    const windowDays = request.RecoveryWindowInDays ?? DEFAULT_RECOVERY_WINDOW_DAYS;
    if (windowDays < 7 || windowDays > 30) {
      throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    return this.#change(async () => {
      const now = this.#now();
      const secret = this.#findOrUndefined(request.SecretId);
      if (!secret) {
        // AWS answers a forced delete of a secret it does not have as done.
        if (!force) throw notFound();
        const named = request.SecretId.startsWith('arn:')
          ? { ARN: request.SecretId }
          : { Name: request.SecretId };
        return { ...named, DeletionDate: seconds(now) };
      }
      if (force) {
        await unlink(this.#fileOf(secret.name)).catch(ignoreMissing);
        this.#secrets.delete(secret.name);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(now) };
      }
      if (secret.deletedMs !== undefined) {
        throw new SecretsManagerError(
          'InvalidRequestException',
          "You can't perform this operation on the secret because it was already scheduled for deletion.",
        );
      }
      const deletionMs = now + windowDays * DAY_MS;
      await this.#save({ ...secret, changedMs: now, deletedMs: now, deletionMs });
      return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(deletionMs) };
    });
  }

  /** The secret a SecretId names: its name, its ARN, or its ARN without the random suffix. */
  #findOrUndefined(secretId: string): StoredSecret | undefined {
    if (!secretId.startsWith('arn:')) return this.#live(this.#secrets.get(secretId));
    for (const secret of this.#secrets.values()) {
      if (secret.arn === secretId || arnPrefix(secret.name) === secretId) return this.#live(secret);
    }
    return undefined;
  }

  #find(secretId: string): StoredSecret {
    const secret = this.#findOrUndefined(secretId);
    if (!secret) throw notFound();
    return secret;
  }

  /** A secret whose value may be read or changed: not marked for deletion. */
  #usable(secretId: string): StoredSecret {
    const secret = this.#find(secretId);
    if (secret.deletedMs !== undefined) {
      throw new SecretsManagerError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }

  /** Undefined once its recovery window has passed: its file goes at the next open, or when the name is reused. */
  #live(secret: StoredSecret | undefined): StoredSecret | undefined {
    return secret && !isPastRecovery(secret, this.#now()) ? secret : undefined;
  }

  #change<T>(change: () => Promise<T>): Promise<T> {
    const run = this.#changes.then(change);
    this.#changes = run.catch(() => {});
    return run;
  }

  async #save(secret: StoredSecret): Promise<void> {
    await writeAtomically(this.#fileOf(secret.name), `${JSON.stringify(secret, null, 2)}\n`);
    this.#secrets.set(secret.name, secret);
  }

  #fileOf(name: string): string {
    return join(this.#dir, fileNameFor(name));
  }
}

/** Names run to 512 characters and hold `/`: a hash of one makes a safe file name of fixed length. */
function fileNameFor(name: string): string {
  return `${createHash('sha256').update(name).digest('hex')}.json`;
}

/** Written to a temporary file and renamed over the old one, so a crash leaves one or the other whole. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomUUID()}${TEMP_SUFFIX}`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

async function readSecretFile(file: string): Promise<StoredSecret> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // Not the parser's message: it quotes the text, which holds secret values.
    throw new CorruptSecretFileError(file, 'it is not JSON');
  }
  const parsed = StoredSecret.safeParse(json);
  if (!parsed.success) {
    throw new CorruptSecretFileError(
      file,
      parsed.error.issues.map((issue) => issue.path.join('.')).join(', '),
    );
  }
  return parsed.data;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the request, which may hold a secret value.
    throw new SecretsManagerError('SerializationException', 'The request body is not valid JSON.');
  }
}

function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  const details = issues.map((issue) => `'${issue.path.join('.') || 'request'}' ${issue.message}`);
  throw new SecretsManagerError(
    'ValidationException',
    `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details.join('; ')}`,
  );
}

function requestedValue(request: { SecretString?: string; SecretBinary?: string }): StoredValue | undefined {
  if (request.SecretString !== undefined && request.SecretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (request.SecretString !== undefined) return { secretString: request.SecretString };
  if (request.SecretBinary !== undefined) return { secretBinary: request.SecretBinary };
  return undefined;
}

function isSameValue(a: StoredValue, b: StoredValue): boolean {
  return a.secretString === b.secretString && a.secretBinary === b.secretBinary;
}

/** Whether a CreateSecret with this token and value is a retry of the one that made `secret`. */
function isSameCreation(secret: StoredSecret, token: string, value: StoredValue | undefined): boolean {
  const version = secret.versions.find((candidate) => candidate.id === token);
  return value ? version !== undefined && isSameValue(version, value) : version === undefined;
}

/** The versions kept once a new one becomes AWSCURRENT: the current one, now AWSPREVIOUS. */
function demoteCurrent(versions: readonly StoredVersion[]): StoredVersion[] {
  const current = versions.find((version) => version.stages.includes(CURRENT));
  return current ? [{ ...current, stages: [PREVIOUS] }] : [];
}

function isPastRecovery(secret: StoredSecret, now: number): boolean {
  return secret.deletionMs !== undefined && secret.deletionMs <= now;
}

const ARN_SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const arnPrefix = (name: string) =>
  `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${name}`;

/** As AWS makes one: six random characters after the name, so a secret made again has another ARN. */
function newArn(name: string): string {
  const suffix = Array.from({ length: 6 }, () => ARN_SUFFIX_ALPHABET[randomInt(ARN_SUFFIX_ALPHABET.length)]);
  return `${arnPrefix(name)}-${suffix.join('')}`;
}

/** The JSON protocol's timestamps: epoch seconds. */
const seconds = (ms: number) => ms / 1000;

function versionsToStages(secret: StoredSecret): Record<string, string[]> {
  return Object.fromEntries(secret.versions.map((version) => [version.id, version.stages]));
}

function summary(secret: StoredSecret) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    Tags: secret.tags.length > 0 ? secret.tags : undefined,
    CreatedDate: seconds(secret.createdMs),
    LastChangedDate: seconds(secret.changedMs),
    DeletedDate: secret.deletedMs === undefined ? undefined : seconds(secret.deletedMs),
  };
}

function describeAnswer(secret: StoredSecret) {
  return { ...summary(secret), VersionIdsToStages: versionsToStages(secret) };
}

function putAnswer(secret: StoredSecret, version: StoredVersion) {
  return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: version.stages };
}

function offsetOf(nextToken: string): number {
  const text = Buffer.from(nextToken, 'base64url').toString('utf8');
  if (!/^\d{1,9}$/.test(text)) {
    throw new SecretsManagerError('InvalidNextTokenException', 'The NextToken value is invalid.');
  }
  return Number(text);
}

function comparison(sortBy: 'created-date' | 'last-changed-date' | 'name') {
  const byName = (a: StoredSecret, b: StoredSecret) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (sortBy === 'name') return byName;
  const time = sortBy === 'created-date' ? 'createdMs' : 'changedMs';
  return (a: StoredSecret, b: StoredSecret) => a[time] - b[time] || byName(a, b);
}

/**
 * AWS's filter: a prefix match on the key's field (description ignoring case), any of the values; a
 * value starting with `!` excludes what it matches. No local secret has a primary region or owning service.
 */
function matches(secret: StoredSecret, filter: Filter): boolean {
  const ignoreCase = filter.Key === 'description';
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  const fields = fieldsOf(secret, filter.Key).map(fold);
  const hits = (value: string) => fields.some((field) => field.startsWith(fold(value)));
  const excluded = filter.Values.filter((value) => value.startsWith('!')).map((value) => value.slice(1));
  const wanted = filter.Values.filter((value) => !value.startsWith('!'));
  return !excluded.some(hits) && (wanted.length === 0 || wanted.some(hits));
}

function fieldsOf(secret: StoredSecret, key: Filter['Key']): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description === undefined ? [] : [secret.description];
    case 'tag-key':
      return secret.tags.map((tag) => tag.Key);
    case 'tag-value':
      return secret.tags.map((tag) => tag.Value);
    default:
      return [];
  }
}
