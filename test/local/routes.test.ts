import { networkInterfaces } from 'node:os';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATOR_ROUTES as CDK_OPERATOR_ROUTES } from '#infra/constructs/http-api.ts';
import type { HttpHandler } from '#local/gateway/route.ts';
import { type LocalGateway, startLocalGateway } from '#local/gateway/server.ts';
import { localRoutes, OPERATOR_ROUTES } from '#local/routes.ts';
import { jsonOf, rawRequest } from '#test/helpers/local-http.ts';

let events: APIGatewayProxyEventV2[] = [];
const recording: HttpHandler = async (event) => {
  events.push(event);
  return { statusCode: 204 };
};
const routes = localRoutes({
  wmsDelivery: recording,
  storefrontFulfill: recording,
  tracking: recording,
  operatorApi: recording,
  oauthCallback: recording,
});

// The operator routes this change adds, each with a request that reaches it.
const NEW_OPERATOR_REQUESTS = [
  ['GET', '/operations?status=DEAD&limit=5', 'GET /operations'],
  ['POST', '/operations/replay', 'POST /operations/replay'],
  ['GET', '/logistics-orders?parked=true', 'GET /logistics-orders'],
  ['DELETE', '/logistics-orders/BP-1', 'DELETE /logistics-orders/{id}'],
  ['GET', '/status', 'GET /status'],
] as const;

beforeEach(() => {
  events = [];
});

describe('the local routes', () => {
  it('serve the operator routes the CDK stack puts behind IAM, each loopback-only, to the operator API', () => {
    const operator = routes.filter((route) => route.name === 'operator-api');
    const keys = (list: readonly { method: string; path: string }[]) =>
      list.map((route) => `${route.method} ${route.path}`).sort();

    expect(keys(operator)).toEqual(keys(CDK_OPERATOR_ROUTES));
    expect(keys(operator)).toEqual(keys(OPERATOR_ROUTES.map(([method, path]) => ({ method, path }))));
    for (const route of operator) expect(route.loopbackOnly).toBe(true);
    for (const route of routes.filter((route) => route.name !== 'operator-api')) {
      expect(route.loopbackOnly).toBeUndefined();
    }
  });
});

describe('the new operator routes through the local gateway', () => {
  let gateway: LocalGateway;

  beforeAll(async () => {
    gateway = await startLocalGateway({ routes });
  });

  afterAll(() => gateway.close());

  it.each(NEW_OPERATOR_REQUESTS)(
    '%s %s reaches the operator API from this machine',
    async (method, path, routeKey) => {
      const response = await rawRequest(`${gateway.url}${path}`, { method });

      expect(response.status).toBe(204);
      expect(events.map((event) => event.routeKey)).toEqual([routeKey]);
    },
  );

  it('hands the query string to the function as API Gateway does', async () => {
    await rawRequest(`${gateway.url}/operations?status=DEAD&flow=wms-delivery&limit=5`);

    expect(events[0]?.queryStringParameters).toEqual({ status: 'DEAD', flow: 'wms-delivery', limit: '5' });
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!external)(
    'answers 403 to a caller off this machine on each of them, reaching no function',
    async () => {
      const open = await startLocalGateway({ routes, host: '0.0.0.0' });
      try {
        for (const [method, path] of NEW_OPERATOR_REQUESTS) {
          const response = await rawRequest(`http://${external}:${open.port}${path}`, { method });
          expect(response.status, `${method} ${path}`).toBe(403);
          expect(jsonOf(response)).toMatchObject({ title: 'Forbidden', status: 403 });
        }
        expect(events).toEqual([]);
      } finally {
        await open.close();
      }
    },
  );
});
