import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, runSend } from '#local/send.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const FILE_BODY = '{ "delivery_order": { "ticket_id": "T1", "status": "PACKAGING" } }\n';
const ROTATED = `whsec_${Buffer.from('rotated-storefront-secret-0002').toString('base64')}`;

let server: Server;
let base: string;
let received: Received[] = [];
let status = 202;
/** Headers of the next answer, beside its content-type; a body replacing the default `{ status }`. */
let extra: { headers?: Record<string, string>; body?: string } = {};
let dir: string;
let file: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res
        .writeHead(status, { 'content-type': 'application/json', ...extra.headers })
        .end(extra.body ?? JSON.stringify({ status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'local-send-'));
  file = join(dir, 'delivery.json');
  await writeFile(file, FILE_BODY);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  status = 202;
  extra = {};
});

async function send(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSend(argv, { env, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

const onlyRequest = (): Received => {
  expect(received).toHaveLength(1);
  return received[0] as Received;
};

/** What a Standard Webhooks receiver does; throws unless the signature holds. */
const verify = (secret: string, request: Received) =>
  new Webhook(secret).verify(request.body, request.headers as Record<string, string>);

describe('npm run send (runSend)', () => {
  it('signs the file as a Standard Webhooks delivery with the WMS default secret and posts it as JSON', async () => {
    const { code, out } = await send(['wms', file, '--url', base]);

    const request = onlyRequest();
    expect(code).toBe(EXIT.ok);
    expect([request.method, request.url]).toEqual(['POST', '/webhooks/wms/delivery-orders']);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe(FILE_BODY);
    expect(verify(LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET, request)).toEqual(JSON.parse(FILE_BODY));
    expect(request.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(request.headers).not.toHaveProperty('idempotency-key');
    expect(out).toEqual([
      `POST ${base}/webhooks/wms/delivery-orders`,
      `webhook-id: ${request.headers['webhook-id']}`,
      '',
      '202 Accepted',
      '',
      '{\n  "status": 202\n}',
    ]);
  });

  it('prints the status line, the headers that matter and the body as indented JSON', async () => {
    extra = {
      headers: {
        location: '/operations/op_1',
        'retry-after': '5',
        'idempotent-replayed': 'true',
        'x-amzn-trace-id': 'Root=1-0',
      },
      body: '{"operation_id":"op_1","status":"PENDING","last_error":{"kind":"transient"}}',
    };

    const { code, out } = await send(['wms', file, '--url', base]);

    expect(code).toBe(EXIT.ok);
    expect(out.slice(2).join('\n')).toBe(
      [
        '',
        '202 Accepted',
        'idempotent-replayed: true',
        'location: /operations/op_1',
        'retry-after: 5',
        '',
        '{',
        '  "operation_id": "op_1",',
        '  "status": "PENDING",',
        '  "last_error": {',
        '    "kind": "transient"',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it("names a problem's content-type, and prints a body that is not JSON as it came", async () => {
    status = 422;
    extra = {
      headers: { 'content-type': 'application/problem+json' },
      body: '{"title":"TOP rejected the request","status":422}',
    };
    const problem = await send(['wms', file, '--url', base]);
    status = 502;
    extra = { headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' };
    const text = await send(['wms', file, '--url', base]);

    expect(problem.code).toBe(EXIT.failed);
    expect(problem.out.slice(3)).toEqual([
      '422 Unprocessable Entity',
      'content-type: application/problem+json',
      '',
      '{\n  "title": "TOP rejected the request",\n  "status": 422\n}',
    ]);
    expect(text.out.slice(3)).toEqual(['502 Bad Gateway', 'content-type: text/plain', '', 'Bad Gateway']);
  });

  it('signs a storefront delivery with the first of its configured secrets, with the given id', async () => {
    const env = { STOREFRONT_WEBHOOK_SECRET: `${ROTATED} ${LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET}` };

    const { code } = await send(['storefront', file, '--url', base, '--id', 'msg_fixed'], env);

    const request = onlyRequest();
    expect(code).toBe(EXIT.ok);
    expect(request.url).toBe('/webhooks/storefront/fulfillments');
    expect(request.headers).toMatchObject({ 'webhook-id': 'msg_fixed' });
    expect(request.headers).not.toHaveProperty('idempotency-key');
    expect(() => verify(ROTATED, request)).not.toThrow();
    expect(() => verify(LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET, request)).toThrow();
  });

  it('posts under the path of the given URL, and to 127.0.0.1:$PORT without one', async () => {
    const port = (server.address() as AddressInfo).port;

    await send(['wms', file, '--url', `${base}/stage/`]);
    await send(['wms', file], { PORT: String(port) });

    expect(received.map((request) => request.url)).toEqual([
      '/stage/webhooks/wms/delivery-orders',
      '/webhooks/wms/delivery-orders',
    ]);
  });

  it('exits 1 on an answer other than 2xx, printing the answer', async () => {
    status = 422;

    const { code, out } = await send(['wms', file, '--url', base]);

    expect(code).toBe(EXIT.failed);
    expect(out.slice(-3)).toEqual(['422 Unprocessable Entity', '', '{\n  "status": 422\n}']);
  });

  it('exits 1 when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const { code, err } = await send(['wms', file, '--url', `http://127.0.0.1:${port}`]);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      `cannot reach http://127.0.0.1:${port}/webhooks/wms/delivery-orders: connect ECONNREFUSED 127.0.0.1:${port} (is npm start running?)`,
    ]);
  });

  it('exits 1 naming a file it cannot read', async () => {
    const { code, err } = await send(['wms', join(dir, 'missing.json'), '--url', base]);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([expect.stringContaining('missing.json')]);
    expect(received).toEqual([]);
  });

  it.each([
    { argv: [], problem: 'expected a source and a file' },
    { argv: ['wms'], problem: 'expected a source and a file' },
    { argv: ['erp', 'x.json'], problem: 'unknown source erp' },
    { argv: ['wms', 'x.json', 'y.json'], problem: 'unexpected argument y.json' },
    { argv: ['wms', 'x.json', '--verbose'], problem: "Unknown option '--verbose'" },
    {
      argv: ['wms', 'x.json', '--url', 'localhost:3000'],
      problem: '--url localhost:3000 is not an http(s) URL',
    },
    { argv: ['wms', 'x.json', '--id'], problem: "Option '--id <value>' argument missing" },
  ])('exits 2 with the usage on bad arguments: $problem', async ({ argv, problem }) => {
    const { code, err } = await send(argv);

    expect(code).toBe(EXIT.usage);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(problem);
    expect(err[0]).toContain('usage: npm run send -- <wms|storefront|tracking> <file.json>');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { code, out } = await send(['--help']);

    expect(code).toBe(EXIT.ok);
    expect(out.join('\n')).toContain('usage: npm run send');
  });
});

describe('local/send.ts as a command', () => {
  const run = promisify(execFile);

  it('prints the answer and exits 1 when the stack answers 400', async () => {
    status = 400;

    const outcome = await run(process.execPath, [
      '--import',
      'tsx',
      'local/send.ts',
      'wms',
      file,
      '--url',
      base,
    ]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('400 Bad Request');
    expect(received).toHaveLength(1);
  });
});
