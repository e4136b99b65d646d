import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { LedgerEntry, SimContext } from './calls.ts';
import { FaultList } from './faults.ts';

/** What the control routes read besides the call context. */
export interface ControlDeps {
  readonly ledger: () => readonly LedgerEntry[];
  readonly clearLedger: () => void;
  readonly stats: () => unknown;
}

/** `POST /_sim/tokens`: new lifetimes, in seconds, for tokens issued from now on. */
const TokenSettings = z.strictObject({
  access_ttl_seconds: z.number().positive().optional(),
  refresh_ttl_seconds: z.number().positive().optional(),
});

/** The `/_sim/*` routes: the simulator's own back door, never the platform's. */
export function handleControl(
  ctx: SimContext,
  deps: ControlDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  raw: string,
) {
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const parse = (): { body: unknown } | undefined => {
    try {
      return { body: JSON.parse(raw) };
    } catch {
      return undefined;
    }
  };
  const tokens = () => ({
    access_ttl_seconds: ctx.tokens.ttls.accessTtlMs / 1000,
    refresh_ttl_seconds: ctx.tokens.ttls.refreshTtlMs / 1000,
    tokens: ctx.tokens.list(ctx.now()),
  });
  const route = `${req.method} ${path}`;
  if (route === 'GET /_sim/ledger') return json(200, deps.ledger());
  if (route === 'DELETE /_sim/ledger') {
    deps.clearLedger();
    return json(200, []);
  }
  if (route === 'GET /_sim/faults') return json(200, ctx.faults.list());
  if (route === 'DELETE /_sim/faults') {
    ctx.faults.set([]);
    return json(200, []);
  }
  if (route === 'POST /_sim/faults') {
    const parsed = parse();
    if (!parsed)
      return json(400, { error: 'body must be JSON: a list of faults, { "faults": [...] }, or one fault' });
    const body = parsed.body as { faults?: unknown; type?: unknown } | null;
    // One fault on its own, as `{"type":"isp","count":1}`, is a list of one.
    const list = Array.isArray(body) ? body : body?.type !== undefined ? [body] : body?.faults;
    const faults = FaultList.safeParse(list);
    if (!faults.success) return json(400, { error: 'invalid faults', issues: faults.error.issues });
    ctx.faults.set(faults.data);
    return json(200, ctx.faults.list());
  }
  if (route === 'GET /_sim/tokens') return json(200, tokens());
  if (route === 'POST /_sim/tokens') {
    const settings = TokenSettings.safeParse(parse()?.body);
    if (!settings.success) {
      return json(400, {
        error: 'body must be JSON: { "access_ttl_seconds"?: n, "refresh_ttl_seconds"?: n }',
        issues: settings.error.issues,
      });
    }
    const { access_ttl_seconds: access, refresh_ttl_seconds: refresh } = settings.data;
    ctx.tokens.setTtls({
      ...(access !== undefined && { accessTtlMs: Math.round(access * 1000) }),
      ...(refresh !== undefined && { refreshTtlMs: Math.round(refresh * 1000) }),
    });
    ctx.log('tokens lifetimes set');
    return json(200, tokens());
  }
  if (route === 'GET /_sim/stats') return json(200, deps.stats());
  if (route === 'GET /_sim/state') return json(200, ctx.state.snapshot());
  const advance = /^POST \/_sim\/logistics-orders\/([^/]+)\/advance$/.exec(route);
  if (advance?.[1]) {
    const id = decodeURIComponent(advance[1]);
    return json(200, { logistics_order_id: id, status: ctx.state.advanceLogisticsOrder(id, ctx.now()) });
  }
  return json(404, { error: `no route ${route}` });
}
