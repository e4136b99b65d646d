import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import type { CredentialSource } from './sign.ts';

/** The stack output holding the HTTP API's URL (infra/stack.ts). */
export const API_URL_OUTPUT = 'ApiUrl';

/** The stack, or its output, cannot be had. */
export class StackLookupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StackLookupError';
  }
}

export interface StackApi {
  /** The `ApiUrl` output, as the stack gives it. */
  readonly url: string;
  /** The region the stack was looked up in. */
  readonly region: string;
}

/**
 * The HTTP API's URL from the stack's `ApiUrl` output (DescribeStacks), in `region` or the standard
 * chain's (AWS_REGION, the profile's), with the given credentials or the standard chain's.
 */
export async function stackApiUrl(
  stackName: string,
  options: { readonly region?: string | undefined; readonly credentials?: CredentialSource | undefined } = {},
): Promise<StackApi> {
  const client = new CloudFormationClient({
    ...(options.region !== undefined && { region: options.region }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  });
  try {
    const region = await client.config.region().catch((error: Error) => {
      throw new StackLookupError(
        `cannot look up stack ${stackName}: no region (pass --region, or set AWS_REGION or a profile's region): ${error.message}`,
        { cause: error },
      );
    });
    let stacks: DescribeStacksCommandOutput['Stacks'];
    try {
      ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
    } catch (error) {
      const { name, message } = error as Error;
      // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
      if (name === 'ValidationError' && /does not exist/i.test(message))
        throw new StackLookupError(`stack ${stackName} does not exist in ${region}`, { cause: error });
      throw new StackLookupError(`cannot describe stack ${stackName} in ${region}: ${message}`, {
        cause: error,
      });
    }
    const stack = stacks?.[0];
    if (!stack) throw new StackLookupError(`stack ${stackName} does not exist in ${region}`);
    const outputs = stack.Outputs ?? [];
    const url = outputs.find((output) => output.OutputKey === API_URL_OUTPUT)?.OutputValue;
    if (!url) {
      const names = outputs.map((output) => output.OutputKey).filter(Boolean);
      throw new StackLookupError(
        `stack ${stackName} (${stack.StackStatus ?? 'status unknown'}) has no ${API_URL_OUTPUT} output` +
          (names.length > 0 ? ` (its outputs: ${names.join(', ')})` : ' (it has no outputs)'),
      );
    }
    if (!/^https?:$/.test(URL.parse(url)?.protocol ?? ''))
      throw new StackLookupError(
        `stack ${stackName}'s ${API_URL_OUTPUT} output is not an http(s) URL: ${url}`,
      );
    return { url, region };
  } finally {
    client.destroy();
  }
}

/** The region of the standard chain (AWS_REGION, else the profile's), or undefined without one. */
export async function defaultRegion(): Promise<string | undefined> {
  // A client resolves the region as the `aws` CLI does; it sends nothing for this.
  const client = new CloudFormationClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
