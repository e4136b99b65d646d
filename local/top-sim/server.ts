import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listen } from '../listen.ts';
import type { LedgerEntry, SimContext } from './calls.ts';
import { readFields } from './calls.ts';
import { handleControl } from './control.ts';
import { type Fault, FaultList, Faults, type Protocol } from './faults.ts';
import { handleAuthorize, handleTokenCall } from './oauth.ts';
import { handleRouter } from './router.ts';
import { SimState } from './state.ts';
import { handleSync } from './sync.ts';
import { TokenRegistry } from './tokens.ts';

export type { LedgerEntry } from './calls.ts';

export interface TopSimulatorOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** Sellers' hand-kept sessions: valid on TOP and IOP, never expiring. */
  readonly sessions: readonly string[];
  readonly faults?: readonly Fault[];
  /** How long a logistics order stays in each status. Default 60 s. */
  readonly statusStepMs?: number;
  /** Seed of the generator behind fault rates. */
  readonly seed?: number;
  readonly now?: () => number;
  /** One line per call (method, outcome, time); never a param value. */
  readonly log?: (line: string) => void;
  /** Lifetime of access tokens issued by /rest/auth/token/*. Default 30 days. */
  readonly accessTtlMs?: number;
  /** Lifetime of a grant's refresh tokens, counted from the code exchange. Default 60 days. */
  readonly refreshTtlMs?: number;
  /**
   * A gateway call on a keep-alive connection idle longer than this (by `now`) is reset unprocessed,
   * as after a Lambda container was frozen while the gateway closed the connection. Off by default.
   */
  readonly idleDropMs?: number;
  /** AliExpress' own app, when its keys differ from TOP's: IOP routes then accept it alone. */
  readonly aeApp?: { readonly appKey: string; readonly appSecret: string };
}

export interface SimStats {
  /** TCP connections accepted. */
  readonly connections: number;
  /** HTTP requests seen, dropped ones included. */
  readonly requests: number;
  /** API calls among them (the control routes and /oauth/authorize aside). */
  readonly calls: number;
  readonly callsByProtocol: Readonly<Record<Protocol, number>>;
  /** Calls the gateway ran and put in the ledger (a cleared ledger does not reset it). */
  readonly executed: number;
  /** Calls answered with the rate-limit error (TOP's code 7, IOP's ApiCallLimit): bans met. */
  readonly rateLimited: number;
  /** Requests reset unprocessed because their connection had been idle past `idleDropMs`. */
  readonly droppedIdle: number;
}

export interface TopSimulator {
  /** TOP's gateway URL to hand a client: `http://127.0.0.1:<port>/router/rest`. */
  readonly url: string;
  /** IOP's host (= origin): clients append `/sync`, `/rest/…`; `/oauth/authorize` is here too. */
  readonly aeUrl: string;
  readonly origin: string;
  readonly port: number;
  readonly ledger: readonly LedgerEntry[];
  readonly faults: Faults;
  readonly state: SimState;
  readonly tokens: TokenRegistry;
  stats(): SimStats;
  /** Resolves once no API call is in progress: a call its client gave up on still runs to its end. */
  settled(): Promise<void>;
  clearLedger(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const ROUTER = '/router/rest';

/** Which gateway a path belongs to, for API calls only. */
function gatewayOf(req: IncomingMessage, path: string): Protocol | undefined {
  if (req.method !== 'POST') return undefined;
  if (path === ROUTER) return 'top';
  if (path === '/sync' || path.startsWith('/rest/')) return 'iop';
  return undefined;
}

/** Starts the TOP and IOP gateway simulator on loopback. */
export async function startTopSimulator(options: TopSimulatorOptions): Promise<TopSimulator> {
  const now = options.now ?? Date.now;
  const tokens = new TokenRegistry(options.sessions, {
    ...(options.accessTtlMs !== undefined && { accessTtlMs: options.accessTtlMs }),
    ...(options.refreshTtlMs !== undefined && { refreshTtlMs: options.refreshTtlMs }),
  });
  const faults = new Faults(options.seed);
  faults.set(FaultList.parse(options.faults ?? []));
  const state = new SimState(options.statusStepMs ?? 60_000);
  let ledger: LedgerEntry[] = [];
  const counts = {
    connections: 0,
    requests: 0,
    calls: 0,
    top: 0,
    iop: 0,
    executed: 0,
    rateLimited: 0,
    droppedIdle: 0,
  };
  const stats = (): SimStats => ({
    connections: counts.connections,
    requests: counts.requests,
    calls: counts.calls,
    callsByProtocol: { top: counts.top, iop: counts.iop },
    executed: counts.executed,
    rateLimited: counts.rateLimited,
    droppedIdle: counts.droppedIdle,
  });
  const sockets = new Set<Socket>();
  // When each connection's last gateway answer finished, by `now`: a moved clock can simulate a freeze.
  const lastAnswered = new WeakMap<Socket, number>();
  const log = options.log ?? (() => {});
  const app = { appKey: options.appKey, appSecret: options.appSecret, tokens };
  const ctx: SimContext = {
    app,
    iopApp: options.aeApp ? { ...options.aeApp, tokens } : app,
    tokens,
    faults,
    state,
    now,
    log,
    record: (entry) => {
      counts.executed += 1;
      ledger.push(entry);
    },
    rateLimited: () => {
      counts.rateLimited += 1;
    },
  };
  const control = {
    ledger: () => ledger,
    clearLedger: () => {
      ledger = [];
    },
    stats,
  };

  // API calls in progress, and who waits for there to be none.
  let inProgress = 0;
  let waiting: (() => void)[] = [];
  const settled = () =>
    inProgress === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
  const callEnded = () => {
    inProgress -= 1;
    if (inProgress > 0) return;
    for (const resolve of waiting) resolve();
    waiting = [];
  };

  const server = createServer(async (req, res) => {
    counts.requests += 1;
    inProgress += 1;
    try {
      const path = new URL(req.url ?? '/', 'http://sim').pathname;
      const protocol = gatewayOf(req, path);
      if (protocol) {
        const socket = req.socket;
        const last = lastAnswered.get(socket);
        if (options.idleDropMs !== undefined && last !== undefined && now() - last > options.idleDropMs) {
          counts.droppedIdle += 1;
          log(`idle connection dropped (${protocol})`);
          socket.resetAndDestroy();
          return;
        }
        res.once('finish', () => lastAnswered.set(socket, now()));
      }
      const raw = await readBody(req);
      if (raw === undefined) {
        res.writeHead(413).end();
        return;
      }
      if (protocol) {
        counts.calls += 1;
        counts[protocol] += 1;
        const fields = readFields(req, raw);
        if (path === ROUTER) await handleRouter(ctx, req, res, fields);
        else if (path === '/sync') await handleSync(ctx, req, res, fields);
        else await handleTokenCall(ctx, req, res, path.slice('/rest'.length), fields);
      } else if (path === '/oauth/authorize' && req.method === 'GET') handleAuthorize(ctx, req, res);
      else if (path.startsWith('/_sim/')) handleControl(ctx, control, req, res, path, raw);
      else
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'not found' }));
    } catch (error) {
      log(`simulator fault: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    } finally {
      callEnded();
    }
  });
  // Outlive the client's idle keep-alive so the client, not the server, decides when to close; with
  // idleDropMs, announce it (Keep-Alive: timeout=…) and close idle connections that long in real time.
  server.keepAliveTimeout = options.idleDropMs ?? 65_000;
  server.on('connection', (socket) => {
    counts.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // A port already taken: PortInUseError, which the caller can word with the variable that sets it.
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port, address } = server.address() as AddressInfo;
  const origin = `http://${address}:${port}`;

  return {
    url: `${origin}${ROUTER}`,
    aeUrl: origin,
    origin,
    port,
    get ledger() {
      return ledger;
    },
    faults,
    state,
    tokens,
    stats,
    settled,
    clearLedger: control.clearLedger,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
