import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, Faults, Protocol } from './faults.ts';
import type { SimApp } from './protocol.ts';
import type { Outcome, SimState } from './state.ts';
import type { TokenRegistry } from './tokens.ts';
import { newRequestId, successBody } from './wire.ts';

/** A call the simulator accepted and executed: what reached the platform. */
export interface LedgerEntry {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly at: string;
  readonly request_id: string;
  readonly protocol: Protocol;
  /** The platform seller whose issued access token authorized the call (a seeded session names none). */
  readonly seller_id?: string;
}

/** What every route handler works with. */
export interface SimContext {
  /** The app TOP's gateway accepts. */
  readonly app: SimApp;
  /** The app IOP accepts: the same one unless AliExpress' app keys differ. */
  readonly iopApp: SimApp;
  readonly tokens: TokenRegistry;
  readonly faults: Faults;
  readonly state: SimState;
  readonly now: () => number;
  readonly log: (line: string) => void;
  record(entry: LedgerEntry): void;
  /** A call answered with the rate-limit error (a ban met), for the stats. */
  rateLimited(): void;
}

/** A fault the gateway answers with an error once it has accepted the call. */
export type GatewayFault =
  | { readonly kind: 'ban'; readonly seconds: number }
  | { readonly kind: 'isp'; readonly fault: Extract<Fault, { type: 'isp' }> }
  | { readonly kind: 'error'; readonly fault: Extract<Fault, { type: 'error' }> };

interface ErrorLike {
  readonly code: string | number;
  readonly sub_code?: string;
}

/** One kind of call on one gateway: how it is checked, run and written. */
export interface CallRoute<Checked, E extends ErrorLike> {
  readonly protocol: Protocol;
  /** What faults' `methods` and the log know the call by, read before any check. */
  readonly method: string | undefined;
  /** The gateway's checks; `method` is the call's name once known. */
  check(): { ok: Checked; method: string } | { error: E };
  faultError(hit: GatewayFault): E;
  /** Runs the accepted call; `params` go to the ledger. */
  run(
    checked: Checked,
    requestId: string,
  ): { error: E } | { body: string; params: Record<string, unknown>; sellerId?: string | undefined };
  errorBody(error: E, requestId: string): string;
}

const JSON_TYPE = { 'content-type': 'application/json;charset=UTF-8' };

/**
 * The life of an API call on any gateway: transport faults (latency, reset, http), the gateway's
 * checks, its faults (ban, isp, error), then the call itself, recorded in the ledger.
 */
export async function runCall<Checked, E extends ErrorLike>(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: CallRoute<Checked, E>,
): Promise<void> {
  const { now, faults, log } = ctx;
  const { protocol } = route;
  const started = now();
  const requestId = newRequestId();
  const label = `${protocol === 'iop' ? 'iop ' : ''}${route.method ?? '-'}`;
  const answer = (body: string, outcome: string) => {
    log(`${label} ${outcome} ${now() - started}ms`);
    if (!res.destroyed) res.writeHead(200, JSON_TYPE).end(body);
  };
  const fail = (error: E) =>
    answer(route.errorBody(error, requestId), `error ${error.code} ${error.sub_code ?? ''}`.trim());

  let bodyStall = 0;
  for (const fault of faults.take('latency', route.method, protocol)) {
    if (fault.phase === 'body') bodyStall += fault.ms;
    else await sleep(fault.ms);
  }
  if (faults.take('reset', route.method, protocol).length > 0) {
    log(`${label} reset`);
    req.socket.resetAndDestroy();
    return;
  }
  const [httpFault] = faults.take('http', route.method, protocol, true);
  if (httpFault) {
    const status = httpFault.status ?? 502;
    log(`${label} http ${status}`);
    res.writeHead(status, { 'content-type': 'text/html' }).end(`<html><body>${status}</body></html>`);
    return;
  }

  const checked = route.check();
  if ('error' in checked) return fail(checked.error);
  const hit = gatewayFault(faults, checked.method, protocol, now());
  if (hit?.kind === 'ban') ctx.rateLimited();
  if (hit) return fail(route.faultError(hit));
  const ran = route.run(checked.ok, requestId);
  if ('error' in ran) return fail(ran.error);

  ctx.record({
    method: checked.method,
    params: ran.params,
    at: new Date(now()).toISOString(),
    request_id: requestId,
    protocol,
    ...(ran.sellerId && { seller_id: ran.sellerId }),
  });
  if (bodyStall > 0) {
    res.writeHead(200, JSON_TYPE);
    res.write(ran.body.slice(0, 10));
    await sleep(bodyStall);
    log(`${label} ok (stalled body) ${now() - started}ms`);
    if (!res.destroyed) res.end(ran.body.slice(10));
    return;
  }
  answer(ran.body, 'ok');
}

/** A rate-limit ban first, then an isp fault, then an injected error. */
function gatewayFault(
  faults: Faults,
  method: string,
  protocol: Protocol,
  now: number,
): GatewayFault | undefined {
  const seconds = faults.rateLimitBan(method, now, protocol);
  if (seconds > 0) return { kind: 'ban', seconds };
  const [isp] = faults.take('isp', method, protocol, true);
  if (isp) return { kind: 'isp', fault: isp };
  const [error] = faults.take('error', method, protocol, true);
  return error && { kind: 'error', fault: error };
}

/** Runs one of the business APIs against the shared state. */
export function execute(ctx: SimContext, method: string, request: Record<string, unknown>): Outcome {
  switch (method) {
    case 'aliexpress.solution.order.fulfill':
      return ctx.state.fulfil(request, ctx.now());
    case 'tmall.ovs.delivery.order.info.send':
      return ctx.state.sendDeliveryOrder(request, ctx.now());
    default:
      return ctx.state.queryLogisticsOrder(request, ctx.now());
  }
}

/** The `<method>_response` success body of an outcome, the same on TOP and on IOP's `/sync`. */
export const outcomeBody = (method: string, outcome: Outcome, requestId: string, simplify: boolean): string =>
  successBody(method, wrapLists(outcome, simplify), requestId, simplify, outcome.bigIntegers);

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

/** Query string and form body, merged; empty values dropped as the gateway drops them. */
export function readFields(req: IncomingMessage, raw: string): Record<string, string> {
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
