import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CallRoute, runCall, type SimContext } from './calls.ts';
import {
  checkRest,
  IOP_ERRORS,
  type IopError,
  iopFaultError,
  type RestPath,
  restErrorBody,
  restSuccessBody,
} from './iop.ts';
import { DEFAULT_SELLER_NICK, type Refusal } from './tokens.ts';

/**
 * `GET /oauth/authorize`: the platform's consent page, as it answers once the seller has logged in:
 * 302 to `redirect_uri` with a single-use `code` and the caller's `state`. `sim_seller` (sim only)
 * names the seller who logs in.
 */
export function handleAuthorize(ctx: SimContext, req: IncomingMessage, res: ServerResponse) {
  const query = new URL(req.url ?? '/', 'http://sim').searchParams;
  const refuse = (why: string) => {
    ctx.log('/oauth/authorize 400');
    res.writeHead(400, { 'content-type': 'text/plain;charset=UTF-8' }).end(why);
  };
  if (query.get('client_id') !== ctx.iopApp.appKey) return refuse('unknown client_id');
  if (query.get('response_type') !== 'code') return refuse('response_type must be code');
  const redirect = httpUrl(query.get('redirect_uri'));
  if (!redirect) return refuse('redirect_uri must be an http(s) URL');
  const nick = query.get('sim_seller')?.trim() || DEFAULT_SELLER_NICK;

  // Kept: any query the redirect_uri already has.
  redirect.searchParams.set('code', ctx.tokens.issueCode(nick, ctx.now()));
  const state = query.get('state');
  if (state !== null) redirect.searchParams.set('state', state);
  ctx.log('/oauth/authorize 302');
  res.writeHead(302, { location: redirect.href }).end();
}

function httpUrl(text: string | null): URL | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

// Never in the ledger: the values that grant access, and the signature params.
const NOT_RECORDED = new Set([
  'code',
  'refresh_token',
  'app_key',
  'timestamp',
  'sign_method',
  'sign',
  'partner_id',
]);

const REFUSALS: Record<Refusal, string> = {
  unknown: 'unknown',
  used: 'already used',
  expired: 'expired',
};

/** `POST /rest/auth/token/create` (a code for a token pair) and `/rest/auth/token/refresh` (a new pair). */
export function handleTokenCall(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  fields: Record<string, string>,
): Promise<void> {
  const route: CallRoute<RestPath, IopError> = {
    protocol: 'iop',
    method: path,
    check: () => {
      const checked = checkRest(path, fields, ctx.iopApp, ctx.now());
      return 'error' in checked ? checked : { ok: checked.path, method: checked.path };
    },
    faultError: iopFaultError,
    run: (known, requestId) => {
      const create = known === '/auth/token/create';
      const name = create ? 'code' : 'refresh_token';
      const value = fields[name];
      if (!value) return { error: IOP_ERRORS.missingParameter(name) };
      const issued = create
        ? ctx.tokens.exchangeCode(value, ctx.now())
        : ctx.tokens.refresh(value, ctx.now());
      if ('refused' in issued) {
        const why = `${create ? 'code' : 'refresh token'} ${REFUSALS[issued.refused]}`;
        return { error: create ? IOP_ERRORS.invalidCode(why) : IOP_ERRORS.illegalRefreshToken(why) };
      }
      const params = Object.fromEntries(Object.entries(fields).filter(([key]) => !NOT_RECORDED.has(key)));
      return { body: restSuccessBody(issued.grant, requestId), params };
    },
    errorBody: restErrorBody,
  };
  return runCall(ctx, req, res, route);
}
