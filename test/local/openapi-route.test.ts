import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTES } from '#lib/http/contract/openapi.ts';
import { startLocalGateway } from '#local/gateway/server.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { OPENAPI_FILE, openapiRoute } from '#local/openapi-route.ts';
import { localRoutes } from '#local/routes.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const tempFile = async (text: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-route-'));
  dirs.push(dir);
  const file = join(dir, 'openapi.json');
  await writeFile(file, text);
  return file;
};

const invoke = async (route: Awaited<ReturnType<typeof openapiRoute>>) =>
  (await route.handler(
    {} as APIGatewayProxyEventV2,
    createLambdaContext({ functionName: 'openapi', timeoutMs: 1_000 }),
  )) as APIGatewayProxyStructuredResultV2;

describe('openapiRoute (GET /openapi.json on the local stack)', () => {
  it('answers the committed docs/openapi.json as it is', async () => {
    const route = await openapiRoute();

    expect(route).toMatchObject({ method: 'GET', path: '/openapi.json', name: 'openapi' });
    const result = await invoke(route);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(result.body).toBe(await readFile(OPENAPI_FILE, 'utf8'));
    expect(JSON.parse(result.body ?? '')).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./) });
  });

  it('reads the file once, when the stack starts: a file changed later is served after a restart', async () => {
    const file = await tempFile('{"openapi":"3.1.1","v":1}\n');
    const route = await openapiRoute(file);
    await writeFile(file, '{"openapi":"3.1.1","v":2}\n');

    expect((await invoke(route)).body).toBe('{"openapi":"3.1.1","v":1}\n');
    expect((await invoke(await openapiRoute(file))).body).toBe('{"openapi":"3.1.1","v":2}\n');
  });

  it('fails the start on a file that is missing or not JSON', async () => {
    await expect(openapiRoute(join(tmpdir(), 'no-such-dir-openapi', 'openapi.json'))).rejects.toThrow(
      /ENOENT/,
    );
    await expect(openapiRoute(await tempFile('{ not json'))).rejects.toThrow(SyntaxError);
  });

  it('is served by the local gateway to any caller', async () => {
    const gateway = await startLocalGateway({ routes: [await openapiRoute()], port: 0 });
    try {
      const response = await fetch(`${gateway.url}/openapi.json`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(await readFile(OPENAPI_FILE, 'utf8'));
    } finally {
      await gateway.close();
    }
  });
});

describe('the document and the routes the stack serves (local/routes.ts)', () => {
  const stub = async () => ({ statusCode: 204 });
  const served = localRoutes({
    wmsDelivery: stub,
    storefrontFulfill: stub,
    tracking: stub,
    operatorApi: stub,
    oauthCallback: stub,
  });
  const servedKeys = new Set(served.map((route) => `${route.method} ${route.path}`));
  const documented = new Map(ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

  it('every route the stack serves is in the document, with the same method and path', () => {
    const missing = [...servedKeys].filter((key) => !documented.has(key));
    expect(missing, 'declare these in ROUTES (lib/http/contract/openapi.ts), then `npm run openapi`').toEqual(
      [],
    );
  });

  it('the document has no route the stack does not serve (but those on their way)', () => {
    const extra = [...documented.keys()].filter((key) => !servedKeys.has(key));
    expect(extra, 'the stack serves no such route').toEqual([]);
  });

  it('operator routes are the loopback-only ones (IAM in AWS); webhooks and the callback are open', () => {
    for (const route of served) {
      const spec = documented.get(`${route.method} ${route.path}`);
      expect(spec?.auth === 'operator', `${route.method} ${route.path}`).toBe(route.loopbackOnly === true);
    }
  });
});
