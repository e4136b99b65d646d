import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { LambdaHandler } from '../lambda/invoke.ts';
import { GatewayConfigError } from './errors.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A handler behind an HTTP API route: a structured result, or any JSON value API Gateway wraps in a 200. */
export type HttpHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2<object>>;

/** One route of the HTTP API and the function behind it. */
export interface Route {
  /** The function's name: the context's `functionName` and the name in the logs. */
  readonly name: string;
  readonly method: HttpMethod;
  /** `/operations/{id}/replay`: literal segments and `{name}` parameters, as in an HTTP API route. */
  readonly path: string;
  readonly handler: HttpHandler;
  /** Only callers on this machine may use it (the operator API; IAM-authorized in AWS). */
  readonly loopbackOnly?: boolean;
  /** The function's timeout. Default 30 s. */
  readonly timeoutMs?: number;
}

type Segment = { readonly literal: string } | { readonly param: string };

export interface CompiledRoute {
  readonly route: Route;
  /** `POST /operations/{id}/replay`. */
  readonly routeKey: string;
  readonly segments: readonly Segment[];
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: CompiledRoute; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

const ROUTE_KEYS: ReadonlySet<string> = new Set([
  'name',
  'method',
  'path',
  'handler',
  'loopbackOnly',
  'timeoutMs',
]);
const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Checks the route table and prepares it for matching; throws {@link GatewayConfigError} naming each problem. */
export function compileRoutes(routes: readonly Route[]): readonly CompiledRoute[] {
  const problems: string[] = [];
  const compiled: CompiledRoute[] = [];
  const shapes = new Map<string, string>();
  for (const [index, route] of routes.entries()) {
    const where = `route ${index} (${route.method} ${route.path})`;
    const before = problems.length;
    for (const key of Object.keys(route))
      if (!ROUTE_KEYS.has(key)) problems.push(`${where}: unknown option ${key}`);
    if (!route.name?.trim()) problems.push(`${where}: name is required`);
    if (!HTTP_METHODS.includes(route.method))
      problems.push(`${where}: method must be one of ${HTTP_METHODS.join(', ')}`);
    if (typeof route.handler !== 'function') problems.push(`${where}: handler must be a function`);
    if (route.timeoutMs !== undefined && !(Number.isInteger(route.timeoutMs) && route.timeoutMs > 0)) {
      problems.push(`${where}: timeoutMs must be a positive whole number`);
    }
    const segments = parsePath(route.path, (problem) => problems.push(`${where}: ${problem}`));
    if (problems.length > before) continue;
    // `/a/{x}` and `/a/{y}` are the same route to a matcher.
    const shape = `${route.method} /${segments.map((s) => ('literal' in s ? s.literal : '{}')).join('/')}`;
    const clash = shapes.get(shape);
    if (clash) {
      problems.push(`${where}: matches the same requests as ${clash}`);
      continue;
    }
    shapes.set(shape, `${route.method} ${route.path}`);
    compiled.push({ route, routeKey: `${route.method} ${route.path}`, segments });
  }
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return compiled;
}

function parsePath(path: string, problem: (message: string) => void): Segment[] {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    problem('path must start with /');
    return [];
  }
  const names = new Set<string>();
  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const param = PARAM.exec(part)?.[1];
      if (param) {
        if (names.has(param)) problem(`path parameter {${param}} appears twice`);
        names.add(param);
        return { param };
      }
      if (/[{}]/.test(part)) problem(`segment ${part} is neither a literal nor a {name} parameter`);
      return { literal: part };
    });
}

/**
 * Finds the route for a request. Literal segments win over parameters, from left to right, as HTTP APIs
 * prefer the most specific route. A path that exists for other methods is a 405, not a 404.
 */
export function matchRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch {
  const parts = rawPath.slice(1).split('/');
  const matching: { route: CompiledRoute; pathParameters: Record<string, string> }[] = [];
  for (const route of routes) {
    const pathParameters = matchSegments(route.segments, parts);
    if (pathParameters) matching.push({ route, pathParameters });
  }
  if (matching.length === 0) return { kind: 'not-found' };
  const forMethod = matching.filter(({ route }) => route.route.method === method).sort(bySpecificity);
  const [best] = forMethod;
  if (best) return { kind: 'found', ...best };
  const allow = [...new Set(matching.map(({ route }) => route.route.method))].sort();
  return { kind: 'method-not-allowed', allow };
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.param] = decodeSegment(part);
    }
  }
  return params;
}

// API Gateway hands path parameters over decoded; a malformed escape is left as sent.
function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function bySpecificity(a: { route: CompiledRoute }, b: { route: CompiledRoute }): number {
  const isLiteral = (segment: Segment | undefined) => segment !== undefined && 'literal' in segment;
  for (const [index, segment] of a.route.segments.entries()) {
    const left = isLiteral(segment);
    if (left !== isLiteral(b.route.segments[index])) return left ? -1 : 1;
  }
  return 0;
}
