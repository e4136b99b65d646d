import type { FieldIssue } from '#lib/http/errors.ts';
import { jsonResponse, problemResponse, problemType } from '#lib/http/problem.ts';
import type { EventFilter, EventLog } from '../event-log.ts';
import type { Route } from '../gateway/route.ts';

/** A page when the query names no `limit`. */
export const DEFAULT_EVENTS_LIMIT = 100;
export const MAX_EVENTS_LIMIT = 1_000;

const PARAMETERS: ReadonlySet<string> = new Set(['logistics_order_id', 'since', 'limit']);
const WHOLE_NUMBER = /^\d+$/;

/**
 * `GET /events?logistics_order_id=&since=&limit=` on the local HTTP API: a page of the event log as
 * `{ events, next }`, for this machine only. A bad parameter is a 400 problem naming it.
 */
export function eventLogRoute(log: Pick<EventLog, 'list'>): Route {
  return {
    name: 'events',
    method: 'GET',
    path: '/events',
    loopbackOnly: true,
    handler: async (event) => {
      const query = parseQuery(event.queryStringParameters ?? {});
      if ('issues' in query) {
        return problemResponse({
          type: problemType('invalid-query'),
          title: 'Invalid query',
          status: 400,
          detail: query.issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
          errors: query.issues,
        });
      }
      return jsonResponse(200, log.list(query.filter));
    },
  };
}

function parseQuery(
  params: Readonly<Record<string, string | undefined>>,
): { readonly filter: EventFilter } | { readonly issues: readonly FieldIssue[] } {
  const issues: FieldIssue[] = [];
  for (const name of Object.keys(params)) {
    // A mistyped filter would otherwise quietly list everything.
    if (!PARAMETERS.has(name)) issues.push({ path: name, message: 'is not a parameter of /events' });
  }
  const { logistics_order_id: id, since, limit } = params;
  if (id === '') issues.push({ path: 'logistics_order_id', message: 'must not be empty' });
  const sinceValue = since === undefined ? 0 : wholeNumber(since);
  if (sinceValue === undefined) issues.push({ path: 'since', message: 'must be a whole number (a seq)' });
  const limitValue = limit === undefined ? DEFAULT_EVENTS_LIMIT : wholeNumber(limit);
  if (limitValue === undefined || limitValue < 1 || limitValue > MAX_EVENTS_LIMIT) {
    issues.push({ path: 'limit', message: `must be a whole number from 1 to ${MAX_EVENTS_LIMIT}` });
  }
  if (issues.length > 0) return { issues };
  return {
    filter: { ...(id !== undefined && { logistics_order_id: id }), since: sinceValue, limit: limitValue },
  };
}

function wholeNumber(text: string): number | undefined {
  if (!WHOLE_NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
