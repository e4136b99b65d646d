import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readLocalSettings } from '../settings.ts';
import type { TargetArgs } from './args.ts';
import { type CredentialSource, executeApiRegion, type Signer, sigV4Signer } from './sign.ts';
import { defaultRegion, stackApiUrl } from './stack.ts';

/** Where the requests go, and how they are signed. */
export interface Target {
  readonly base: string;
  /** SigV4 for `execute-api` in this region; absent: not signed. */
  readonly signer?: Signer | undefined;
  readonly region?: string | undefined;
}

/** The target cannot be had: a region missing, the local settings invalid. */
export class TargetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetError';
  }
}

export interface TargetDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default: the standard chain (`fromNodeProviderChain()`: environment, profiles, SSO, …). */
  readonly credentials?: CredentialSource | undefined;
  readonly now?: () => Date;
}

/**
 * `--stack`: the stack's `ApiUrl` output, signed. `--url`: that URL, signed when its host is an
 * API Gateway one or `--sign` is given. Neither: the local stack on loopback, unsigned unless `--sign`.
 */
export async function resolveTarget(args: TargetArgs, deps: TargetDeps): Promise<Target> {
  const credentials = deps.credentials ?? fromNodeProviderChain();
  let base: string;
  let sign = args.sign;
  let stackRegion: string | undefined;
  if (args.stack !== undefined) {
    const api = await stackApiUrl(args.stack, { region: args.region, credentials });
    base = api.url;
    stackRegion = api.region;
    sign = true;
  } else if (args.url !== undefined) {
    base = args.url;
    sign ||= executeApiRegion(new URL(base).hostname) !== undefined;
  } else {
    let port: number;
    try {
      port = readLocalSettings(deps.env).port;
    } catch (error) {
      throw new TargetError((error as Error).message, { cause: error });
    }
    base = `http://127.0.0.1:${port}`;
  }
  if (!sign) return { base };

  const region =
    args.region ??
    executeApiRegion(new URL(base).hostname) ??
    stackRegion ??
    nonEmpty(deps.env.AWS_REGION) ??
    nonEmpty(deps.env.AWS_DEFAULT_REGION) ??
    (await defaultRegion());
  if (region === undefined)
    throw new TargetError(
      `no region to sign for ${base}: pass --region, or set AWS_REGION or a profile's region`,
    );
  return { base, region, signer: sigV4Signer({ credentials, region, ...(deps.now && { now: deps.now }) }) };
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();
