/** What the answers look like to people: aligned tables of a few fields, times short, in UTC. */

type Json = Readonly<Record<string, unknown>>;

const NONE = '-';

/** Rows under headers, each column as wide as its widest cell, two spaces apart. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** `name  value` lines, the values aligned. */
export function fields(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...pairs.map(([name]) => name.length));
  return pairs.map(([name, value]) => `${name.padEnd(width)}  ${value}`.trimEnd());
}

/**
 * `2026-11-23T10:00:05.123Z` → `11-23 10:00:05` (UTC) in the year of `now`, `2027-01-22 10:00` in
 * another; `-` for none; anything else as it is.
 */
export function shortTime(value: unknown, now: Date): string {
  if (value === undefined || value === null || value === '') return NONE;
  const text = String(value);
  const match = /^(\d{4})-(\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})(\.\d+)?Z$/.exec(text);
  if (!match) return text;
  const [, year, day, minute, seconds] = match;
  return Number(year) === now.getUTCFullYear() ? `${day} ${minute}${seconds}` : `${year}-${day} ${minute}`;
}

/** A value for a cell: `-` for none, scalars as they are, objects as compact JSON. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return NONE;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** At most `max` characters, the cut marked with an ellipsis. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** A last error in one short phrase: `kind code/sub_code: message`. */
export function errorSummary(error: unknown, max = 48): string {
  if (error === undefined || error === null || error === false) return NONE;
  if (typeof error !== 'object') return truncate(String(error), max);
  const e = error as Json;
  const codes = [e.code, e.sub_code].filter((part) => part !== undefined && part !== null).join('/');
  const message = e.sub_msg ?? e.message ?? e.reason;
  const head = [e.kind, codes].filter((part) => part !== undefined && part !== '').join(' ');
  const text = [head, message].filter((part) => part !== undefined && part !== '').join(': ');
  return truncate(text === '' ? JSON.stringify(error) : text, max);
}

const items = (page: unknown): Json[] => ((page as { items?: Json[] } | undefined)?.items ?? []) as Json[];

/** An empty table still shows its columns, and says so. */
const withRows = (headers: readonly string[], rows: readonly (readonly string[])[], empty: string) =>
  rows.length === 0 ? [...table(headers, []), `(${empty})`] : table(headers, rows);

/** `GET /operations`: one operation a row. */
export function operationsTable(page: unknown, now: Date): string[] {
  return withRows(
    ['OPERATION', 'FLOW', 'STATUS', 'ATTEMPTS', 'CREATED', 'UPDATED', 'LAST ERROR'],
    items(page).map((op) => [
      cell(op.operation_id),
      cell(op.flow),
      cell(op.status),
      cell(op.attempts),
      shortTime(op.created_at, now),
      shortTime(op.updated_at, now),
      errorSummary(op.last_error),
    ]),
    'no operations',
  );
}

/** `GET /logistics-orders`: one tracked order a row. */
export function ordersTable(page: unknown, now: Date): string[] {
  return withRows(
    ['LOGISTICS ORDER', 'SELLER', 'STATUS', 'REFRESHED', 'NEXT REFRESH', 'PARKED', 'FINISHED', 'LAST ERROR'],
    items(page).map((order) => [
      cell(order.logistics_order_id),
      cell(order.seller_id),
      cell(order.status),
      shortTime(order.last_refreshed_at, now),
      shortTime(order.next_refresh_at, now),
      parkedCell(order.parked),
      shortTime(order.finished_at, now),
      errorSummary(order.last_error, 40),
    ]),
    'no logistics orders',
  );
}

const parkedCell = (parked: unknown): string => {
  if (parked === undefined || parked === null || parked === false) return NONE;
  if (parked === true) return 'yes';
  const { code, sub_code } = parked as Json;
  const codes = [code, sub_code].filter((part) => part !== undefined && part !== null).join('/');
  return codes === '' ? 'yes' : `yes (${codes})`;
};

/** `GET /sellers`: one seller a row. */
export function sellersTable(page: unknown, now: Date): string[] {
  return withRows(
    ['SELLER', 'PLATFORM SELLER', 'STATUS', 'AUTHORIZED', 'ACCESS EXPIRES', 'REFRESH EXPIRES', 'LAST ERROR'],
    items(page).map((seller) => [
      cell(seller.seller_id),
      cell(seller.platform_seller_id),
      cell(seller.status),
      shortTime(seller.authorized_at, now),
      shortTime(seller.access_token_expires_at, now),
      shortTime(seller.refresh_token_expires_at, now),
      errorSummary(seller.last_error, 40),
    ]),
    'no sellers',
  );
}

/** `GET /status`: the ban, the operations per status, what is parked. */
export function statusLines(status: unknown, now: Date): string[] {
  const { ban, operations, parked } = (status ?? {}) as {
    ban?: { until?: string | null };
    operations?: Record<string, unknown>;
    parked?: { sellers?: unknown; orders?: unknown };
  };
  const counts = Object.entries(operations ?? {});
  return [
    ...fields([
      ['ban', ban?.until ? `until ${shortTime(ban.until, now)} UTC` : 'none'],
      ['parked', `${cell(parked?.sellers)} sellers, ${cell(parked?.orders)} orders`],
    ]),
    '',
    ...table(
      ['STATUS', 'OPERATIONS'],
      counts.map(([name, count]) => [name, cell(count)]),
    ),
  ];
}

// The fields of an operation worth a line each, in this order; others follow.
const OPERATION_FIELDS = [
  'operation_id',
  'flow',
  'status',
  'attempts',
  'webhook_id',
  'created_at',
  'updated_at',
  'next_attempt_at',
  'lease_expires_at',
  'top_request_id',
  'last_error',
  'duplicate_of',
  'outcome_unknown',
  'reconciled',
];
// Fields whose content a person rarely needs whole: `--json` has them.
const SUMMARIZED: Readonly<Record<string, (value: unknown) => string>> = {
  request: (value) => {
    const { method, seller_id } = (value ?? {}) as Json;
    return [cell(method), seller_id === undefined ? undefined : `seller ${cell(seller_id)}`]
      .filter(Boolean)
      .join(', ');
  },
  top_result: (value) => truncate(cell(value), 80),
};

/** `GET /operations/{id}`: one field a line, absent ones left out, the TOP request summarized. */
export function operationDetail(view: unknown): string[] {
  const operation = (view ?? {}) as Json;
  const names = [
    ...OPERATION_FIELDS.filter((name) => name in operation),
    ...Object.keys(operation).filter((name) => !OPERATION_FIELDS.includes(name)),
  ].filter((name) => operation[name] !== undefined && operation[name] !== null);
  return fields(names.map((name) => [name, SUMMARIZED[name]?.(operation[name]) ?? cell(operation[name])]));
}

/** `POST /operations/{id}/replay`: what the replay came to. */
export function replayLine(answer: unknown, now: Date): string {
  const { operation_id, status, attempts, next_attempt_at } = (answer ?? {}) as Json;
  const parts = [`replayed ${cell(operation_id)}: ${cell(status)}`];
  if (attempts !== undefined) parts.push(`attempts ${cell(attempts)}`);
  if (next_attempt_at) parts.push(`next attempt ${shortTime(next_attempt_at, now)} UTC`);
  return parts.join(', ');
}

/** `POST /operations/replay`: the counts, then the ids replayed. */
export function bulkReplayLines(answer: unknown): string[] {
  const { replayed, skipped, operation_ids } = (answer ?? {}) as {
    replayed?: unknown;
    skipped?: unknown;
    operation_ids?: unknown[];
  };
  return [`replayed ${cell(replayed)}, skipped ${cell(skipped)}`, ...(operation_ids ?? []).map(cell)];
}

/**
 * An error answer in a line or a few: an RFC 9457 problem's status, title and detail (and each
 * broken rule), API Gateway's own `{ message }`, or the status and the start of the body.
 */
export function errorAnswerLines(
  status: number,
  statusText: string,
  body: unknown,
  fallback: string,
): string[] {
  const problem = (body ?? {}) as Json;
  if (typeof problem.title === 'string') {
    const lines = [
      `${status} ${problem.title}${typeof problem.detail === 'string' ? `: ${problem.detail}` : ''}`,
    ];
    if (Array.isArray(problem.errors)) {
      for (const error of problem.errors as Json[])
        lines.push(`  ${cell(error.path)}: ${cell(error.message)}`);
    }
    const id = problem.operation_id;
    if (typeof id === 'string' && !lines[0]?.includes(id)) lines.push(`  operation ${id}`);
    return lines;
  }
  if (typeof problem.message === 'string') return [`${status} ${statusText}: ${problem.message}`];
  return [fallback];
}
