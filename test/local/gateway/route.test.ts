import { describe, expect, it } from 'vitest';
import { GatewayConfigError } from '#local/gateway/errors.ts';
import { compileRoutes, matchRoute, type Route } from '#local/gateway/route.ts';

const handler = async () => ({ statusCode: 204 });
const route = (method: Route['method'], path: string, name = 'fn'): Route => ({
  name,
  method,
  path,
  handler,
});

describe('compileRoutes', () => {
  it('names the route template in the route key', () => {
    expect(compileRoutes([route('POST', '/operations/{id}/replay')]).map((r) => r.routeKey)).toEqual([
      'POST /operations/{id}/replay',
    ]);
  });

  it.each([
    {
      problem: 'a path without a leading slash',
      routes: [route('GET', 'operations')],
      message: 'must start with /',
    },
    {
      problem: 'a half-open parameter',
      routes: [route('GET', '/operations/{id')],
      message: 'neither a literal',
    },
    { problem: 'a repeated parameter', routes: [route('GET', '/a/{id}/b/{id}')], message: 'appears twice' },
    {
      problem: 'an unknown method',
      routes: [route('TRACE' as Route['method'], '/a')],
      message: 'method must be',
    },
    {
      problem: 'two routes that match the same requests',
      routes: [route('GET', '/operations/{id}'), route('GET', '/operations/{operationId}')],
      message: 'matches the same requests',
    },
    { problem: 'an empty name', routes: [route('GET', '/a', ' ')], message: 'name is required' },
    {
      problem: 'a timeout that is not a positive whole number',
      routes: [{ ...route('GET', '/a'), timeoutMs: 0 }],
      message: 'timeoutMs',
    },
    {
      problem: 'an unknown option',
      routes: [{ ...route('GET', '/a'), loopback: true } as Route],
      message: 'unknown option loopback',
    },
  ])('rejects $problem', ({ routes, message }) => {
    expect(() => compileRoutes(routes)).toThrow(GatewayConfigError);
    expect(() => compileRoutes(routes)).toThrow(message);
  });
});

describe('matchRoute', () => {
  const routes = compileRoutes([
    route('GET', '/operations/{id}', 'by-id'),
    route('GET', '/operations/stats', 'stats'),
    route('POST', '/operations/{id}/replay', 'replay'),
    route('DELETE', '/operations/{id}', 'delete'),
  ]);
  const nameOf = (method: string, path: string) => {
    const match = matchRoute(routes, method, path);
    return match.kind === 'found' ? match.route.route.name : match.kind;
  };

  it('prefers a literal segment over a parameter', () => {
    expect(nameOf('GET', '/operations/stats')).toBe('stats');
    expect(nameOf('GET', '/operations/op-1')).toBe('by-id');
  });

  it('matches whole segments only: no empty parameter, no trailing slash, no prefix', () => {
    expect(nameOf('GET', '/operations/')).toBe('not-found');
    expect(nameOf('GET', '/operations/op-1/')).toBe('not-found');
    expect(nameOf('GET', '/operations')).toBe('not-found');
  });

  it('lists the methods of a path that exists for others, sorted', () => {
    expect(matchRoute(routes, 'PUT', '/operations/op-1')).toEqual({
      kind: 'method-not-allowed',
      allow: ['DELETE', 'GET'],
    });
  });

  it('decodes parameters, and keeps a malformed escape as sent', () => {
    const decoded = matchRoute(routes, 'GET', '/operations/a%2Fb%20c');
    const malformed = matchRoute(routes, 'GET', '/operations/a%E0%A4%A');

    expect(decoded.kind === 'found' && decoded.pathParameters).toEqual({ id: 'a/b c' });
    expect(malformed.kind === 'found' && malformed.pathParameters).toEqual({ id: 'a%E0%A4%A' });
  });
});
