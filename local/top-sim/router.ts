import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CallRoute, execute, outcomeBody, runCall, type SimContext } from './calls.ts';
import { checkSystemParams, type TopApiEntry } from './protocol.ts';
import { checkApiRules } from './rules.ts';
import { errorBody, SIM_ERRORS, type SimError } from './wire.ts';

/** `POST /router/rest`: TOP's gateway, for every API the project calls. */
export function handleRouter(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  fields: Record<string, string>,
): Promise<void> {
  const route: CallRoute<TopApiEntry, SimError> = {
    protocol: 'top',
    method: fields.method,
    check: () => {
      const checked = checkSystemParams(fields, ctx.app, ctx.now());
      return 'error' in checked ? checked : { ok: checked.api, method: checked.api.method };
    },
    faultError: (hit) => {
      if (hit.kind === 'ban') return SIM_ERRORS.rateLimited(hit.seconds);
      if (hit.kind === 'isp') return SIM_ERRORS.platformFault(hit.fault.sub_code, hit.fault.sub_msg);
      const { code, msg, sub_code, sub_msg } = hit.fault;
      return { code, msg, ...(sub_code && { sub_code }), ...(sub_msg && { sub_msg }) };
    },
    run: (api, requestId) => {
      const ruled = checkApiRules(api, fields);
      if ('error' in ruled) return ruled;
      const outcome = execute(ctx, api.method, ruled.request);
      const body = outcomeBody(api.method, outcome, requestId, fields.simplify === 'true');
      return { body, params: ruled.request };
    },
    errorBody,
  };
  return runCall(ctx, req, res, route);
}
