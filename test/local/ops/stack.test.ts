import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT, runOps } from '#local/ops/main.ts';
import { type ReceivedRequest, verifySigV4 } from './sigv4-verifier.ts';

// `--stack`: the API's URL from the CloudFormation stack's `ApiUrl` output, every request signed.
// CloudFormation has no local stand-in: DescribeStacks is mocked; the API answers through a fake fetch
// that checks the signature as API Gateway would. Nothing leaves this machine.

const cloudFormation = mockClient(CloudFormationClient);
const CREDENTIALS = { accessKeyId: 'AKIDSTACKTEST000001', secretAccessKey: 'stack-test-secret' };
const KEYS = { [CREDENTIALS.accessKeyId]: { secretAccessKey: CREDENTIALS.secretAccessKey } };
const API_URL = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/';
const STATUS = { ban: { until: null }, operations: { SUCCEEDED: 3 }, parked: { sellers: 0, orders: 0 } };

interface Fetched {
  readonly url: string;
  readonly request: ReceivedRequest;
}
let fetched: Fetched[] = [];

/** API Gateway with IAM authorization, as far as the CLI can tell: a 403 unless the signature holds. */
const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const headers = Object.fromEntries(
    Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const request: ReceivedRequest = {
    method: init?.method ?? 'GET',
    rawUrl: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host },
    body: typeof init?.body === 'string' ? init.body : '',
  };
  fetched.push({ url: url.href, request });
  const verdict = verifySigV4(request, { keys: KEYS, service: 'execute-api', region: 'eu-west-1' });
  if (!verdict.ok) return Response.json({ message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
  return Response.json(STATUS);
}) as typeof fetch;

beforeEach(() => {
  fetched = [];
  cloudFormation.reset();
  vi.stubEnv('AWS_REGION', 'eu-west-1');
});

afterEach(() => {
  cloudFormation.reset();
});

async function ops(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps(argv, {
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    fetch: fakeFetch,
    credentials: CREDENTIALS,
  });
  return { code, out, err };
}

describe('--stack <name>', () => {
  it('calls the URL of the stack’s ApiUrl output, signed for the region of its host', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'TopWebhooks-prod' }).resolves({
      Stacks: [
        {
          StackName: 'TopWebhooks-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'OauthCallbackUrl', OutputValue: `${API_URL}oauth/callback` },
            { OutputKey: 'ApiUrl', OutputValue: API_URL },
          ],
        },
      ],
    });

    const { code, out, err } = await ops(['status', '--stack', 'TopWebhooks-prod', '--json']);

    expect(err).toEqual([]);
    expect(code).toBe(EXIT.ok);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input)).toEqual([
      { StackName: 'TopWebhooks-prod' },
    ]);
    expect(fetched.map(({ url }) => url)).toEqual([`${API_URL}status`]);
    expect(fetched[0]?.request.headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
    expect(JSON.parse(out.join('\n'))).toEqual(STATUS);
  });

  it('looks the stack up in --region', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'TopWebhooks-dev',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'ApiUrl', OutputValue: API_URL }],
        },
      ],
    });

    const { code } = await ops(['status', '--stack', 'TopWebhooks-dev', '--region', 'eu-west-1']);

    expect(code).toBe(EXIT.ok);
    expect(await cloudFormation.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('exits 1 naming the stack when it does not exist', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id TopWebhooks-nope does not exist'), {
        name: 'ValidationError',
      }),
    );

    const { code, out, err } = await ops(['status', '--stack', 'TopWebhooks-nope']);

    expect(code).toBe(EXIT.failed);
    expect(out).toEqual([]);
    expect(err).toEqual(['stack TopWebhooks-nope does not exist in eu-west-1']);
    expect(fetched).toEqual([]);
  });

  it('exits 1 naming the stack and its outputs when it has no ApiUrl output', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'TopWebhooks-half',
          StackStatus: 'ROLLBACK_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'OauthCallbackUrl', OutputValue: 'https://x/oauth/callback' }],
        },
      ],
    });

    const { code, err } = await ops(['status', '--stack', 'TopWebhooks-half']);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      'stack TopWebhooks-half (ROLLBACK_COMPLETE) has no ApiUrl output (its outputs: OauthCallbackUrl)',
    ]);
    expect(fetched).toEqual([]);
  });

  it('exits 1 naming the stack on any other failure (denied, throttled)', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), {
        name: 'AccessDenied',
      }),
    );

    const { code, err } = await ops(['status', '--stack', 'TopWebhooks-prod']);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      'cannot describe stack TopWebhooks-prod in eu-west-1: User is not authorized to perform: cloudformation:DescribeStacks',
    ]);
  });
});

describe('--url of an execute-api host', () => {
  it('signs without --sign, for the region of the host', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');

    const { code } = await ops(['status', '--url', API_URL]);

    expect(code).toBe(EXIT.ok);
    expect(fetched[0]?.request.headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
  });

  it('another host is signed only with --sign, for --region or AWS_REGION', async () => {
    const unsigned = await ops(['status', '--url', 'https://ops.example.com/']);
    const signed = await ops(['status', '--url', 'https://ops.example.com/', '--sign']);

    expect(unsigned.code).toBe(EXIT.failed);
    expect(unsigned.err).toEqual(['403 Forbidden: Forbidden']);
    expect(fetched[0]?.request.headers).not.toHaveProperty('authorization');
    expect(signed.code).toBe(EXIT.ok);
    expect(fetched[1]?.request.headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
  });
});
