import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Fault, FaultList, Faults } from './faults.ts';
import { checkSystemParams, type SimApp } from './protocol.ts';
import { checkApiRules } from './rules.ts';
import { type Outcome, SimState } from './state.ts';
import { errorBody, newRequestId, SIM_ERRORS, type SimError, successBody } from './wire.ts';

export interface TopSimulatorOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** Sellers' sessions the simulator accepts. */
  readonly sessions: readonly string[];
  readonly faults?: readonly Fault[];
  /** How long a logistics order stays in each status. Default 60 s. */
  readonly statusStepMs?: number;
  /** Seed of the generator behind fault rates. */
  readonly seed?: number;
  readonly now?: () => number;
  /** One line per call (method, outcome, time); never a param value. */
  readonly log?: (line: string) => void;
}

/** A call the simulator accepted and executed: what reached "TOP". */
export interface LedgerEntry {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly at: string;
  readonly request_id: string;
}

export interface TopSimulator {
  /** The gateway URL to hand a client: `http://127.0.0.1:<port>/router/rest`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly ledger: readonly LedgerEntry[];
  readonly faults: Faults;
  readonly state: SimState;
  /** TCP connections accepted, HTTP requests seen and API calls among them (the control routes aside). */
  stats(): { connections: number; requests: number; calls: number };
  clearLedger(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const ROUTER = '/router/rest';

/** Starts the TOP gateway simulator on loopback. */
export async function startTopSimulator(options: TopSimulatorOptions): Promise<TopSimulator> {
  const now = options.now ?? Date.now;
  const app: SimApp = {
    appKey: options.appKey,
    appSecret: options.appSecret,
    sessions: new Set(options.sessions),
  };
  const faults = new Faults(options.seed);
  faults.set(FaultList.parse(options.faults ?? []));
  const state = new SimState(options.statusStepMs ?? 60_000);
  let ledger: LedgerEntry[] = [];
  let connections = 0;
  let requests = 0;
  let calls = 0;
  const sockets = new Set<Socket>();
  const log = options.log ?? (() => {});

  async function handleRouter(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const started = now();
    const fields = readFields(req, raw);
    const method = fields.method;
    const requestId = newRequestId();
    const simplify = fields.simplify === 'true';
    const answer = (status: number, body: string, outcome: string) => {
      log(`${method ?? '-'} ${outcome} ${now() - started}ms`);
      if (!res.destroyed)
        res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(body);
    };
    const fail = (error: SimError) =>
      answer(200, errorBody(error, requestId), `error ${error.code} ${error.sub_code ?? ''}`.trim());

    let bodyStall = 0;
    for (const fault of faults.take('latency', method)) {
      if (fault.phase === 'body') bodyStall += fault.ms;
      else await sleep(fault.ms);
    }
    if (faults.take('reset', method).length > 0) {
      log(`${method ?? '-'} reset`);
      req.socket.resetAndDestroy();
      return;
    }
    const [httpFault] = faults.take('http', method);
    if (httpFault) {
      const status = httpFault.status ?? 502;
      log(`${method ?? '-'} http ${status}`);
      res.writeHead(status, { 'content-type': 'text/html' }).end(`<html><body>${status}</body></html>`);
      return;
    }

    const checked = checkSystemParams(fields, app, now());
    if ('error' in checked) return fail(checked.error);
    const { api } = checked;
    const ban = faults.rateLimitBan(api.method, now());
    if (ban > 0) return fail(SIM_ERRORS.rateLimited(ban));
    const [isp] = faults.take('isp', api.method);
    if (isp) return fail(SIM_ERRORS.platformFault(isp.sub_code, isp.sub_msg));
    const [injected] = faults.take('error', api.method);
    if (injected) {
      const { code, msg, sub_code, sub_msg } = injected;
      return fail({ code, msg, ...(sub_code && { sub_code }), ...(sub_msg && { sub_msg }) });
    }
    const ruled = checkApiRules(api, fields);
    if ('error' in ruled) return fail(ruled.error);

    const outcome = execute(api.method, ruled.request);
    ledger.push({
      method: api.method,
      params: ruled.request,
      at: new Date(now()).toISOString(),
      request_id: requestId,
    });
    const body = successBody(
      api.method,
      wrapLists(outcome, simplify),
      requestId,
      simplify,
      outcome.bigIntegers,
    );
    if (bodyStall > 0) {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      res.write(body.slice(0, 10));
      await sleep(bodyStall);
      log(`${api.method} ok (stalled body) ${now() - started}ms`);
      if (!res.destroyed) res.end(body.slice(10));
      return;
    }
    answer(200, body, 'ok');
  }

  function execute(method: string, request: Record<string, unknown>): Outcome {
    switch (method) {
      case 'aliexpress.solution.order.fulfill':
        return state.fulfil(request, now());
      case 'tmall.ovs.delivery.order.info.send':
        return state.sendDeliveryOrder(request, now());
      default:
        return state.queryLogisticsOrder(request, now());
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, raw: string) {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const route = `${req.method} ${path}`;
    if (route === 'GET /_sim/ledger') return json(200, ledger);
    if (route === 'DELETE /_sim/ledger') {
      ledger = [];
      return json(200, ledger);
    }
    if (route === 'GET /_sim/faults') return json(200, faults.list());
    if (route === 'DELETE /_sim/faults') {
      faults.set([]);
      return json(200, []);
    }
    if (route === 'POST /_sim/faults') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return json(400, { error: 'body must be JSON: a list of faults, or { "faults": [...] }' });
      }
      const list = Array.isArray(body) ? body : (body as { faults?: unknown })?.faults;
      const parsed = FaultList.safeParse(list);
      if (!parsed.success) return json(400, { error: 'invalid faults', issues: parsed.error.issues });
      faults.set(parsed.data);
      return json(200, faults.list());
    }
    if (route === 'GET /_sim/stats') return json(200, { connections, requests, calls });
    if (route === 'GET /_sim/state') return json(200, state.snapshot());
    const advance = /^POST \/_sim\/logistics-orders\/([^/]+)\/advance$/.exec(route);
    if (advance?.[1]) {
      const id = decodeURIComponent(advance[1]);
      return json(200, { logistics_order_id: id, status: state.advanceLogisticsOrder(id, now()) });
    }
    return json(404, { error: `no route ${route}` });
  }

  const server = createServer(async (req, res) => {
    requests += 1;
    try {
      const raw = await readBody(req);
      if (raw === undefined) {
        res.writeHead(413).end();
        return;
      }
      const path = new URL(req.url ?? '/', 'http://sim').pathname;
      if (path === ROUTER && req.method === 'POST') {
        calls += 1;
        await handleRouter(req, res, raw);
      } else if (path.startsWith('/_sim/')) await handleControl(req, res, path, raw);
      else
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'not found' }));
    } catch (error) {
      log(`simulator fault: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  });
  // Outlive the client's idle keep-alive so the client, not the server, decides when to close.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const origin = `http://${address}:${port}`;

  return {
    url: `${origin}${ROUTER}`,
    origin,
    port,
    get ledger() {
      return ledger;
    },
    faults,
    state,
    stats: () => ({ connections, requests, calls }),
    clearLedger: () => {
      ledger = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Query string and form body, merged; empty values dropped as the gateway drops them. */
function readFields(req: IncomingMessage, raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const url = new URL(req.url ?? '/', 'http://sim');
  const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
    ? new URLSearchParams(raw)
    : new URLSearchParams();
  for (const source of [url.searchParams, form]) {
    for (const [name, value] of source) if (value.trim() !== '') fields[name] = value;
  }
  return fields;
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

/** With simplify off, lists keep TOP's XML item wrapper: `{"products":{"product_d_t_o":[…]}}`. */
function wrapLists(outcome: Outcome, simplify: boolean): Record<string, unknown> {
  if (simplify || !outcome.lists) return outcome.body;
  const wrap = (value: unknown): unknown => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const itemName = outcome.lists?.[key];
      out[key] = itemName && Array.isArray(item) ? { [itemName]: item } : wrap(item);
    }
    return out;
  };
  return wrap(outcome.body) as Record<string, unknown>;
}
