import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CallRoute, execute, outcomeBody, runCall, type SimContext } from './calls.ts';
import { checkSync, IOP_ERRORS, type IopError, iopFaultError, syncErrorBody } from './iop.ts';
import type { TopApiEntry } from './protocol.ts';
import { checkApiRules } from './rules.ts';

/** `POST /sync?method=…`: IOP's gateway for dotted API names, on the same APIs and state as TOP. */
export function handleSync(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  fields: Record<string, string>,
): Promise<void> {
  const route: CallRoute<TopApiEntry, IopError> = {
    protocol: 'iop',
    method: fields.method,
    check: () => {
      const checked = checkSync(fields, ctx.iopApp, ctx.now());
      return 'error' in checked ? checked : { ok: checked.api, method: checked.api.method };
    },
    faultError: iopFaultError,
    run: (api, requestId) => {
      const ruled = checkApiRules(api, fields);
      if ('error' in ruled) return { error: IOP_ERRORS.fromRules(ruled.error) };
      const outcome = execute(ctx, api.method, ruled.request);
      const body = outcomeBody(api.method, outcome, requestId, fields.simplify === 'true');
      const sellerId = fields.session ? ctx.tokens.sellerOfAccessToken(fields.session)?.sellerId : undefined;
      return { body, params: ruled.request, sellerId };
    },
    errorBody: syncErrorBody,
  };
  return runCall(ctx, req, res, route);
}
