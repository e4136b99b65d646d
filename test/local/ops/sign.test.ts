import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT, runOps } from '#local/ops/main.ts';
import { sigV4Signer } from '#local/ops/sign.ts';
import { type ReceivedRequest, type Verdict, verifySigV4 } from './sigv4-verifier.ts';

// A stand-in for API Gateway's IAM authorization: a loopback server that checks each request's
// SigV4 signature with an implementation of its own (./sigv4-verifier.ts), answers 403 as API
// Gateway does when it fails, and the route's JSON when it holds.

const KEY = {
  accessKeyId: 'AKIDOPSTEST00000001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYOPSTESTKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEOPS//session+token=',
};
const KEYS = { [KEY.accessKeyId]: { secretAccessKey: KEY.secretAccessKey, sessionToken: KEY.sessionToken } };
const REGION = 'eu-west-1';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

interface Seen {
  readonly request: ReceivedRequest;
  readonly verdict: Verdict;
}

let server: Server;
let base: string;
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        rawUrl: req.url ?? '',
        headers: req.headers,
        body,
      };
      const verdict = verifySigV4(request, { keys: KEYS, service: 'execute-api', region: REGION });
      seen.push({ request, verdict });
      if (!verdict.ok) {
        const message = verdict.reason === 'no Authorization header' ? 'Forbidden' : SIGNATURE_MISMATCH;
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
        return;
      }
      const answer = req.url?.startsWith('/operations/replay')
        ? { replayed: 2, skipped: 1, operation_ids: ['op_a', 'op_b'] }
        : req.url?.startsWith('/operations?')
          ? { items: [], next_cursor: null }
          : { operation_id: 'op_x', status: 'DEAD', attempts: 5 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  // The standard chain reads these from the process environment, as `aws` does.
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', KEY.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEY.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', KEY.sessionToken);
});

async function ops(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps(argv, {
    env: process.env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

const signed = ['--url', '', '--sign', '--region', REGION];
const target = () => signed.map((arg) => (arg === '' ? base : arg));

const only = (): Seen => {
  expect(seen).toHaveLength(1);
  return seen[0] as Seen;
};

describe('SigV4 signing (--sign), checked by an independent verifier', () => {
  it('signs a GET with a query (sorted, RFC 3986 encoded) with the chain’s credentials from the environment', async () => {
    const { code, err } = await ops([
      'list',
      '--status',
      'DEAD',
      '--flow',
      'wms-delivery',
      '--since',
      '2026-11-01T00:00:00Z',
      '--cursor',
      "a b+c/d=*!'()",
      '--limit',
      '5',
      ...target(),
    ]);

    const { request, verdict } = only();
    expect(err).toEqual([]);
    expect(code).toBe(EXIT.ok);
    expect(verdict).toMatchObject({ ok: true, accessKeyId: KEY.accessKeyId });
    expect(verdict.ok && verdict.signedHeaders).toEqual(['host', 'x-amz-date', 'x-amz-security-token']);
    expect(request.method).toBe('GET');
    expect(request.rawUrl).toBe(
      '/operations?cursor=a%20b%2Bc%2Fd%3D%2A%21%27%28%29&flow=wms-delivery&limit=5&since=2026-11-01T00%3A00%3A00.000Z&status=DEAD',
    );
    expect(request.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/\\d{8}/eu-west-1/execute-api/aws4_request, `,
      ),
    );
    expect(request.headers['x-amz-security-token']).toBe(KEY.sessionToken);
  });

  it('signs a POST with its JSON body and content-type', async () => {
    const { code, out } = await ops([
      'replay',
      '--status',
      'DEAD',
      '--since',
      '2026-11-01T00:00:00Z',
      '--limit',
      '10',
      ...target(),
    ]);

    const { request, verdict } = only();
    expect(code).toBe(EXIT.ok);
    expect(verdict.ok && verdict.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-amz-date',
      'x-amz-security-token',
    ]);
    expect([request.method, request.rawUrl]).toEqual(['POST', '/operations/replay']);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      status: 'DEAD',
      since: '2026-11-01T00:00:00.000Z',
      limit: 10,
    });
    expect(out).toEqual(['replayed 2, skipped 1', 'op_a', 'op_b']);
  });

  it('signs a path whose id needs encoding (each segment encoded twice in the canonical request)', async () => {
    const { code } = await ops(['replay', 'op a/b~c', ...target()]);

    const { request, verdict } = only();
    expect(code).toBe(EXIT.ok);
    expect(verdict.ok).toBe(true);
    expect([request.method, request.rawUrl]).toEqual(['POST', '/operations/op%20a%2Fb~c/replay']);
  });

  it('signs without a session token when the credentials have none', async () => {
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const keys = { [KEY.accessKeyId]: { secretAccessKey: KEY.secretAccessKey } };

    await ops(['show', 'op_x', ...target()]);

    const { request } = only();
    expect(request.headers).not.toHaveProperty('x-amz-security-token');
    expect(verifySigV4(request, { keys, service: 'execute-api', region: REGION })).toMatchObject({
      ok: true,
    });
  });

  it('a request signed with the wrong secret fails verification: the API answers 403 and the CLI exits 1 with its message', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret-of-this-key');

    const { code, out, err } = await ops(['show', 'op_x', ...target()]);

    expect(only().verdict).toEqual({ ok: false, reason: 'the signature does not match' });
    expect(code).toBe(EXIT.failed);
    expect(out).toEqual([]);
    expect(err).toEqual([`403 Forbidden: ${SIGNATURE_MISMATCH}`]);
  });

  it('does not sign for a loopback URL without --sign', async () => {
    const { code, err } = await ops(['show', 'op_x', '--url', base]);

    const { request } = only();
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.headers).not.toHaveProperty('x-amz-date');
    expect(code).toBe(EXIT.failed);
    expect(err).toEqual(['403 Forbidden: Forbidden']);
  });

  it('exits 1 naming the credential chain when there are no credentials to sign with', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    // Nor the instance metadata service: nothing leaves this machine.
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);

    const { code, err } = await ops(['show', 'op_x', ...target()]);

    expect(seen).toEqual([]);
    expect(code).toBe(EXIT.failed);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^cannot sign the request to ${base}: .*credentials`, 'i'));
  });
});

// A third implementation: what the README's hand-built command used. Absent curl, nothing to compare.
const curl = await promisify(execFile)('curl', ['--version']).then(
  ({ stdout }) => /^curl (\d+)\.(\d+)/.exec(stdout),
  () => null,
);
const curlSigns = curl !== null && Number(curl[1]) * 100 + Number(curl[2]) >= 775;

describe.skipIf(!curlSigns)('the verifier against curl --aws-sigv4', () => {
  it('accepts what curl signs, and refuses it signed with another secret', async () => {
    const run = (secret: string) =>
      promisify(execFile)('curl', [
        '--silent',
        '--aws-sigv4',
        `aws:amz:${REGION}:execute-api`,
        '--user',
        `${KEY.accessKeyId}:${secret}`,
        '-H',
        `x-amz-security-token: ${KEY.sessionToken}`,
        '-H',
        'content-type: application/json',
        '--data',
        '{"status":"DEAD"}',
        `${base}/operations/replay?since=2026-11-01T00%3A00%3A00Z&status=DEAD`,
      ]);

    await run(KEY.secretAccessKey);
    await run('another-secret');

    expect(seen.map(({ verdict }) => verdict.ok)).toEqual([true, false]);
  });
});

describe('the verifier rejects a tampered request', () => {
  /** A request the CLI's signer signed, as the server would receive it. */
  async function signedRequest(): Promise<ReceivedRequest> {
    const url = new URL('http://127.0.0.1:9/operations/replay?x=1');
    const body = '{"status":"DEAD"}';
    const headers = await sigV4Signer({ credentials: KEY, region: REGION })({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body,
    });
    return {
      method: 'POST',
      rawUrl: '/operations/replay?x=1',
      headers: { ...headers, host: url.host },
      body,
    };
  }
  const verify = (request: ReceivedRequest) =>
    verifySigV4(request, { keys: KEYS, service: 'execute-api', region: REGION });

  it('accepts it untouched', async () => {
    expect(verify(await signedRequest())).toMatchObject({ ok: true });
  });

  it.each<[string, (request: ReceivedRequest) => ReceivedRequest, string]>([
    ['the method', (r) => ({ ...r, method: 'PUT' }), 'the signature does not match'],
    ['the path', (r) => ({ ...r, rawUrl: '/operations/op_x/replay?x=1' }), 'the signature does not match'],
    ['the query', (r) => ({ ...r, rawUrl: '/operations/replay?x=2' }), 'the signature does not match'],
    ['the body', (r) => ({ ...r, body: '{"status":"FAILED"}' }), 'the signature does not match'],
    [
      'the host',
      (r) => ({ ...r, headers: { ...r.headers, host: 'api.example.com' } }),
      'the signature does not match',
    ],
    [
      'the content-type',
      (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } }),
      'the signature does not match',
    ],
    [
      'the session token',
      (r) => ({ ...r, headers: { ...r.headers, 'x-amz-security-token': 'another' } }),
      'wrong or missing session token',
    ],
    [
      'the region',
      (r) => ({
        ...r,
        headers: {
          ...r.headers,
          authorization: String(r.headers.authorization).replace(REGION, 'us-east-1'),
        },
      }),
      'signed for region us-east-1, not eu-west-1',
    ],
  ])('changed %s', async (_what, tamper, reason) => {
    expect(verify(tamper(await signedRequest()))).toEqual({ ok: false, reason });
  });

  it('rejects an old signature', async () => {
    const request = await signedRequest();
    const later = new Date(Date.now() + 20 * 60_000);
    expect(verifySigV4(request, { keys: KEYS, service: 'execute-api', region: REGION, now: later })).toEqual({
      ok: false,
      reason: 'signature expired',
    });
  });
});
