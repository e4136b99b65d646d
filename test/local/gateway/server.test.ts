import { networkInterfaces } from 'node:os';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '#local/gateway/body.ts';
import type { HttpHandler, Route } from '#local/gateway/route.ts';
import { isLoopback, type LocalGateway, startLocalGateway } from '#local/gateway/server.ts';
import { jsonOf, rawRequest } from '#test/helpers/local-http.ts';

const WMS = '/webhooks/wms/delivery-orders';

interface Call {
  readonly event: APIGatewayProxyEventV2;
  readonly context: Context;
}

let calls: Call[] = [];
// What the recording handler answers; each test sets its own.
let answer: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
const recording: HttpHandler = async (event, context) => {
  calls.push({ event, context });
  return (await answer(event, context)) as object;
};

const routes: Route[] = [
  { name: 'wms-delivery', method: 'POST', path: WMS, handler: recording },
  { name: 'operations', method: 'GET', path: '/operations/{id}', handler: recording, loopbackOnly: true },
  {
    name: 'operations',
    method: 'POST',
    path: '/operations/{id}/replay',
    handler: recording,
    loopbackOnly: true,
  },
  { name: 'timing', method: 'POST', path: '/timing', handler: recording, timeoutMs: 2_000 },
  { name: 'hangs', method: 'POST', path: '/hangs', handler: () => new Promise(() => {}), timeoutMs: 50 },
];

const logError = vi.fn();
let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startLocalGateway({ routes, logError });
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(() => {
  calls = [];
  answer = async () => ({ statusCode: 204 });
  logError.mockReset();
});

const onlyCall = (): Call => {
  expect(calls).toHaveLength(1);
  return calls[0] as Call;
};

describe('startLocalGateway: requests become payload format 2.0 events', () => {
  it('hands a JSON POST to the route handler with its route key, raw path, query, headers, cookies and body', async () => {
    const body = JSON.stringify({ delivery_order: { ticket_id: 'T1', status: 'PACKAGING' } });
    const response = await rawRequest(`${gateway.url}${WMS}?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: [
        'Content-Type',
        'application/json',
        'X-Tag',
        'one',
        'X-Tag',
        'two',
        'User-Agent',
        'wms/1.0',
        'Cookie',
        'c1=v1; c2=v2',
      ],
      body,
    });

    expect(response.status).toBe(204);
    const { event } = onlyCall();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: `POST ${WMS}`,
      rawPath: WMS,
      rawQueryString: 'a=1&a=2&b=x%20y',
      queryStringParameters: { a: '1,2', b: 'x y' },
      cookies: ['c1=v1', 'c2=v2'],
      body,
      isBase64Encoded: false,
      requestContext: {
        apiId: 'local',
        domainName: '127.0.0.1',
        http: {
          method: 'POST',
          path: WMS,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'wms/1.0',
        },
        routeKey: `POST ${WMS}`,
        stage: '$default',
        requestId: response.headers['apigw-requestid'],
      },
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'x-tag': 'one,two',
      'content-length': String(Buffer.byteLength(body)),
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
  });

  it('passes path parameters decoded, under a route key that names the template', async () => {
    answer = async () => ({ statusCode: 200, body: '{}' });

    await rawRequest(`${gateway.url}/operations/msg_a%20b`);
    await rawRequest(`${gateway.url}/operations/op-7/replay`, { method: 'POST' });

    expect(calls.map(({ event }) => [event.routeKey, event.rawPath, event.pathParameters])).toEqual([
      ['GET /operations/{id}', '/operations/msg_a%20b', { id: 'msg_a b' }],
      ['POST /operations/{id}/replay', '/operations/op-7/replay', { id: 'op-7' }],
    ]);
    expect(calls.map(({ event }) => [event.body, event.isBase64Encoded])).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
  });

  it('base64-encodes a binary body, and a body without a content type', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));

    await rawRequest(`${gateway.url}${WMS}`, {
      method: 'POST',
      headers: ['content-type', 'application/octet-stream'],
      body: bytes,
    });
    await rawRequest(`${gateway.url}${WMS}`, { method: 'POST', body: Buffer.from('{"a":1}') });

    const [binary, untyped] = calls.map(({ event }) => event);
    expect(binary?.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary?.body ?? '', 'base64')).toEqual(bytes);
    expect(untyped).toMatchObject({ isBase64Encoded: true, body: Buffer.from('{"a":1}').toString('base64') });
  });

  it('gives the handler a Lambda context named after the route, whose remaining time counts down from its timeout', async () => {
    const remaining: number[] = [];
    answer = async (_event, context) => {
      remaining.push(context.getRemainingTimeInMillis());
      await new Promise((resolve) => setTimeout(resolve, 60));
      remaining.push(context.getRemainingTimeInMillis());
      return { statusCode: 200 };
    };

    await rawRequest(`${gateway.url}/timing`, { method: 'POST' });

    const { context } = onlyCall();
    expect(context.functionName).toBe('timing');
    expect(context.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [first = 0, second = 0] = remaining;
    expect(first).toBeLessThanOrEqual(2_000);
    expect(first).toBeGreaterThan(1_500);
    expect(first - second).toBeGreaterThanOrEqual(50);
  });
});

describe('startLocalGateway: results become responses by API Gateway rules', () => {
  it('maps a structured result: status, headers, cookies and a base64 body', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    answer = async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Count': 3, 'x-flag': true },
      cookies: ['a=1; Path=/', 'b=2'],
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });

    const response = await rawRequest(`${gateway.url}${WMS}`, { method: 'POST' });

    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'x-count': '3',
      'x-flag': 'true',
      'set-cookie': ['a=1; Path=/', 'b=2'],
    });
    expect(response.body).toEqual(bytes);
  });

  it('answers a bare object result with 200 application/json holding its JSON text', async () => {
    answer = async () => ({ operation_id: 'op-1', status: 'SUCCEEDED' });

    const response = await rawRequest(`${gateway.url}${WMS}`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(jsonOf(response)).toEqual({ operation_id: 'op-1', status: 'SUCCEEDED' });
  });

  it('answers a bare string result with 200 and the string as the body', async () => {
    answer = async () => 'Hello from Lambda!';

    const response = await rawRequest(`${gateway.url}${WMS}`, { method: 'POST' });

    expect([response.status, response.headers['content-type'], response.body.toString()]).toEqual([
      200,
      'application/json',
      'Hello from Lambda!',
    ]);
  });

  it('answers a generic 500 when the handler throws, and logs the error', async () => {
    const failure = new Error('DynamoDB is down');
    answer = async () => {
      throw failure;
    };

    const response = await rawRequest(`${gateway.url}${WMS}`, {
      method: 'POST',
      headers: ['content-type', 'application/json'],
      body: '{"secret":"do-not-log"}',
    });

    expect(response.status).toBe(500);
    expect(jsonOf(response)).toEqual({ message: 'Internal Server Error' });
    expect(logError).toHaveBeenCalledWith(expect.stringContaining(`POST ${WMS}`), failure);
    expect(JSON.stringify(logError.mock.calls)).not.toContain('do-not-log');
  });

  it('answers a generic 500 for a result API Gateway cannot map', async () => {
    answer = async () => ({ statusCode: 'OK', body: {} });

    const response = await rawRequest(`${gateway.url}${WMS}`, { method: 'POST' });

    expect(response.status).toBe(500);
    expect(jsonOf(response)).toEqual({ message: 'Internal Server Error' });
    expect(logError).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when the function runs past its timeout', async () => {
    const response = await rawRequest(`${gateway.url}/hangs`, { method: 'POST' });

    expect(response.status).toBe(500);
    expect(jsonOf(response)).toEqual({ message: 'Internal Server Error' });
    expect(logError).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ name: 'LambdaTimeoutError' }),
    );
  });

  it('answers 503 when the integration runs past the gateway timeout first', async () => {
    const slow = await startLocalGateway({
      routes: [{ name: 'slow', method: 'POST', path: '/slow', handler: () => new Promise(() => {}) }],
      integrationTimeoutMs: 50,
      logError: () => {},
    });
    try {
      const response = await rawRequest(`${slow.url}/slow`, { method: 'POST' });

      expect(response.status).toBe(503);
      expect(jsonOf(response)).toEqual({ message: 'Service Unavailable' });
    } finally {
      await slow.close();
    }
  });
});

describe('startLocalGateway: close', () => {
  it('answers the requests in flight before it resolves', async () => {
    const draining = await startLocalGateway({
      routes: [
        {
          name: 'slow',
          method: 'POST',
          path: '/slow',
          handler: () =>
            new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'done' }), 100)),
        },
      ],
    });
    const inFlight = rawRequest(`${draining.url}/slow`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 20));

    await draining.close();

    const response = await inFlight;
    expect([response.status, response.body.toString()]).toEqual([200, 'done']);
    await expect(rawRequest(`${draining.url}/slow`, { method: 'POST' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('startLocalGateway: answers of its own', () => {
  it('answers 404 problem+json for an unknown path, calling nothing', async () => {
    const response = await rawRequest(`${gateway.url}/webhooks/nope`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(jsonOf(response)).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(calls).toEqual([]);
  });

  it('answers 405 with an Allow header for a known path and another method', async () => {
    const response = await rawRequest(`${gateway.url}${WMS}`, { method: 'GET' });

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(jsonOf(response)).toMatchObject({ title: 'Method Not Allowed', status: 405 });
    expect(calls).toEqual([]);
  });

  it.each([
    { how: 'streamed without a length', headers: [] as string[] },
    { how: 'declared by content-length', headers: ['content-length', String(MAX_REQUEST_BYTES + 1)] },
  ])('answers 413 to a body over 10 MiB $how, calling nothing', async ({ headers }) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    function* body() {
      for (let sent = 0; sent < MAX_REQUEST_BYTES; sent += chunk.length) yield chunk;
      yield Buffer.from('x');
    }

    const response = await rawRequest(`${gateway.url}${WMS}`, {
      method: 'POST',
      headers: ['content-type', 'application/json', ...headers],
      body: body(),
    });

    expect(response.status).toBe(413);
    expect(jsonOf(response)).toMatchObject({ status: 413 });
    expect(calls).toEqual([]);
  });

  it('takes a body of exactly 10 MiB', async () => {
    const response = await rawRequest(`${gateway.url}${WMS}`, {
      method: 'POST',
      headers: ['content-type', 'text/plain'],
      body: Buffer.alloc(MAX_REQUEST_BYTES, 0x61),
    });

    expect(response.status).toBe(204);
    expect(onlyCall().event.body).toHaveLength(MAX_REQUEST_BYTES);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!external)('answers 403 to a caller off this machine on a loopback-only route', async () => {
    const open = await startLocalGateway({ routes, host: '0.0.0.0' });
    try {
      const base = `http://${external}:${open.port}`;

      const operator = await rawRequest(`${base}/operations/op-1`);
      const webhook = await rawRequest(`${base}${WMS}`, { method: 'POST' });

      expect(operator.status).toBe(403);
      expect(jsonOf(operator)).toMatchObject({ title: 'Forbidden', status: 403 });
      expect(webhook.status).toBe(204);
      expect(calls.map(({ event }) => event.routeKey)).toEqual([`POST ${WMS}`]);
    } finally {
      await open.close();
    }
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.7', false],
    ['::ffff:192.168.1.2', false],
    ['fe80::1', false],
    ['', false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});
