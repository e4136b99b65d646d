import { describe, expect, it } from 'vitest';
import { OAUTH_CALLBACK_ROUTE, OPERATOR_ROUTES, WEBHOOK_ROUTES } from '#infra/constructs/http-api.ts';
import { ROUTES } from '#lib/http/contract/openapi.ts';

const keys = (routes: readonly { method: string; path: string }[]) =>
  routes.map((route) => `${route.method} ${route.path}`).sort();
const documented = (auth: string) => keys(ROUTES.filter((route) => route.auth === auth));

describe('the OpenAPI document and the HTTP API the CDK stack declares', () => {
  it('documents the webhook routes as signed (Standard Webhooks), as the stack leaves them to the functions', () => {
    expect(documented('webhook')).toEqual(keys(Object.values(WEBHOOK_ROUTES)));
  });

  it('documents the OAuth callback as public', () => {
    expect(documented('public')).toEqual(keys([OAUTH_CALLBACK_ROUTE]));
  });

  it('documents as IAM-authorized (SigV4) exactly the routes behind the IAM authorizer', () => {
    expect(documented('operator')).toEqual(keys(OPERATOR_ROUTES));
  });
});
