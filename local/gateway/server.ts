import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invokeLambda } from '../lambda/invoke.ts';
import { listen } from '../listen.ts';
import { MAX_REQUEST_BYTES, readBody } from './body.ts';
import { GatewayConfigError, IntegrationTimeoutError } from './errors.ts';
import { buildHttpEvent, newApiRequestId, peerAddress } from './event.ts';
import { INTERNAL_SERVER_ERROR, problemResponse, SERVICE_UNAVAILABLE } from './problem.ts';
import { type HttpResponse, toHttpResponse } from './result.ts';
import { type CompiledRoute, compileRoutes, matchRoute, type Route } from './route.ts';

/** The most an HTTP API waits for its integration. */
export const INTEGRATION_TIMEOUT_MS = 30_000;

export interface LocalGatewayOptions {
  readonly routes: readonly Route[];
  /** Default 127.0.0.1: nothing off this machine reaches the stack unless asked for. */
  readonly host?: string;
  /** 0 picks a free port (the default). */
  readonly port?: number;
  /** Default 30 s, as API Gateway's. */
  readonly integrationTimeoutMs?: number;
  /** One line per request (method, path, status, time); default none. */
  readonly log?: (line: string) => void;
  /** Handler failures and warnings; default stderr. Never given a request body. */
  readonly logError?: (message: string, error?: unknown) => void;
}

export interface LocalGateway {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests and resolves once those in flight are answered. */
  close(): Promise<void>;
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'routes',
  'host',
  'port',
  'integrationTimeoutMs',
  'log',
  'logError',
]);

/**
 * An HTTP server standing in for an API Gateway HTTP API: each request becomes a payload format 2.0
 * event for the route's handler, and its result becomes the response, by API Gateway's rules.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0) throw new GatewayConfigError(unknown.map((key) => `unknown option ${key}`));
  const routes = compileRoutes(options.routes);
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const log = options.log ?? (() => {});
  let closing = false;
  const logError =
    options.logError ??
    ((message, error) =>
      error === undefined
        ? console.error(`[gateway] ${message}`)
        : console.error(`[gateway] ${message}`, error));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = newApiRequestId();
    const method = req.method ?? '';
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = (response: HttpResponse) => {
      for (const warning of response.warnings) logError(warning);
      res
        .writeHead(response.statusCode, {
          ...response.headers,
          'content-length': response.body.length,
          'apigw-requestid': requestId,
          // Once closing, the connection ends with this answer: the client must not reuse it.
          ...(closing && { connection: 'close' }),
        })
        .end(response.body);
      log(`${method} ${rawPath} ${response.statusCode} ${Date.now() - started}ms`);
    };

    const match = matchRoute(routes, method, rawPath);
    if (match.kind !== 'found') req.resume();
    if (match.kind === 'not-found') {
      return answer(problemResponse(404, 'Not Found', `No route for ${method} ${rawPath}`, rawPath));
    }
    if (match.kind === 'method-not-allowed') {
      const allow = match.allow.join(', ');
      return answer(
        problemResponse(405, 'Method Not Allowed', `${rawPath} accepts ${allow}`, rawPath, { allow }),
      );
    }
    const { route } = match;
    if (route.route.loopbackOnly && !isLoopback(peerAddress(req))) {
      req.resume();
      return answer(
        problemResponse(403, 'Forbidden', `${route.routeKey} is served to this machine only`, rawPath),
      );
    }
    const read = await readBody(req);
    if (read.kind === 'too-large') {
      return answer(
        problemResponse(
          413,
          'Content Too Large',
          `A request body is at most ${MAX_REQUEST_BYTES} bytes`,
          rawPath,
        ),
      );
    }
    const event = buildHttpEvent({
      req,
      route,
      pathParameters: match.pathParameters,
      body: read.body,
      requestId,
      now: started,
    });
    answer(await invoke(route, event));
  }

  async function invoke(route: CompiledRoute, event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    let timer: NodeJS.Timeout | undefined;
    // Created before the function's own timer, so at equal timeouts the gateway gives up first, as in AWS.
    const integrationTimeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new IntegrationTimeoutError(route.routeKey, integrationTimeoutMs)),
        integrationTimeoutMs,
      );
    });
    try {
      const invocation = invokeLambda(route.route.handler, event, {
        functionName: route.route.name,
        ...(route.route.timeoutMs !== undefined && { timeoutMs: route.route.timeoutMs }),
      });
      // The race may leave the invocation behind: keep its late failure from going unhandled.
      invocation.catch(() => {});
      return toHttpResponse(await Promise.race([invocation, integrationTimeout]));
    } catch (error) {
      logError(`${route.routeKey} (${route.route.name}) failed`, error);
      return error instanceof IntegrationTimeoutError ? SERVICE_UNAVAILABLE : INTERNAL_SERVER_ERROR;
    } finally {
      clearTimeout(timer);
    }
  }

  // Requests each connection still owes an answer to. Closing waits for those answers, not for the
  // rest of a body nobody reads (after a 413) or for a keep-alive to lapse.
  const unanswered = new Map<Socket, number>();
  const server = createServer((req, res) => {
    const { socket } = req;
    unanswered.set(socket, (unanswered.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const pending = (unanswered.get(socket) ?? 1) - 1;
      unanswered.set(socket, pending);
      if (closing && pending === 0) socket.destroy();
    });
    handle(req, res).catch((error: unknown) => {
      logError(`${req.method} ${req.url} failed in the gateway`, error);
      if (res.headersSent) res.destroy();
      else res.writeHead(500, INTERNAL_SERVER_ERROR.headers).end(INTERNAL_SERVER_ERROR.body);
    });
  });
  server.on('connection', (socket: Socket) => {
    unanswered.set(socket, 0);
    socket.once('close', () => unanswered.delete(socket));
  });
  // A port already taken: PortInUseError, which the caller can word with the variable that sets it.
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        for (const [socket, pending] of unanswered) if (pending === 0) socket.destroy();
      }),
  };
}

/** Whether an address is this machine's loopback (127.0.0.0/8 or ::1, IPv4-mapped or not). */
export function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}
