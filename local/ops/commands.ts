import type { OperationFilter, OpsCommand } from './args.ts';
import { encodeRfc3986, type OpsClient, type QueryValue, RequestError } from './client.ts';
import {
  bulkReplayLines,
  operationDetail,
  operationsTable,
  ordersTable,
  replayLine,
  sellersTable,
  statusLines,
} from './format.ts';

export interface CommandIo {
  readonly client: OpsClient;
  /** The API's JSON answers rather than tables. */
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** Tables show a time's year only when it is not this one. */
  readonly now: () => Date;
}

interface Page {
  readonly items?: unknown[];
  readonly next_cursor?: string | null;
}

const path = (...segments: string[]) => `/${segments.map(encodeRfc3986).join('/')}`;

/** Runs one command against the operator API; error answers throw (`ApiError`, `RequestError`). */
export async function runCommand(command: OpsCommand, io: CommandIo): Promise<void> {
  const { client, out } = io;
  const print = (body: unknown, lines: (body: unknown, now: Date) => string[]) => {
    if (io.json) out(JSON.stringify(body, null, 2));
    else for (const line of lines(body, io.now())) out(line);
  };
  switch (command.name) {
    case 'list': {
      const { all, cursor, ...filter } = command;
      const query = { ...filterQuery(filter), cursor };
      return listed(io, '/operations', query, all, operationsTable);
    }
    case 'orders': {
      const { status, parked, limit, cursor, all } = command;
      const query = { status, parked: parked ? 'true' : undefined, limit, cursor };
      return listed(io, '/logistics-orders', query, all, ordersTable);
    }
    case 'replay-bulk': {
      const { name: _name, ...filter } = command;
      const answer = await client.call('POST', '/operations/replay', { body: filterQuery(filter) });
      return print(answer.body, bulkReplayLines);
    }
    case 'replay': {
      const answer = await client.call('POST', path('operations', command.operationId, 'replay'));
      return print(answer.body, (body, now) => [replayLine(body, now)]);
    }
    case 'show': {
      const answer = await client.call('GET', path('operations', command.operationId));
      return print(answer.body, operationDetail);
    }
    case 'untrack': {
      await client.call('DELETE', path('logistics-orders', command.logisticsOrderId));
      // 204: no answer to print as JSON.
      if (!io.json) out(`untracked ${command.logisticsOrderId}`);
      return;
    }
    case 'status': {
      const answer = await client.call('GET', '/status');
      return print(answer.body, statusLines);
    }
    case 'sellers': {
      const answer = await client.call('GET', '/sellers');
      return print(answer.body, sellersTable);
    }
  }
}

const filterQuery = ({ status, flow, since, until, limit }: OperationFilter) => ({
  status,
  flow,
  since,
  until,
  limit,
});

/**
 * A listing: one page, with a hint at the next one; or with `all`, every page through `next_cursor`,
 * printed as one table (or one JSON document `{ items, next_cursor: null }`).
 */
async function listed(
  io: CommandIo,
  route: string,
  query: Readonly<Record<string, QueryValue>>,
  all: boolean,
  lines: (page: unknown, now: Date) => string[],
): Promise<void> {
  if (!all) {
    const page = (await io.client.call('GET', route, { query })).body as Page;
    if (io.json) return io.out(JSON.stringify(page, null, 2));
    for (const line of lines(page, io.now())) io.out(line);
    if (page.next_cursor) io.out(`(more: --cursor ${page.next_cursor}, or --all)`);
    return;
  }
  const items: unknown[] = [];
  const seen = new Set<string>();
  let cursor = query.cursor as string | undefined;
  for (;;) {
    const page = (await io.client.call('GET', route, { query: { ...query, cursor } })).body as Page;
    items.push(...(page.items ?? []));
    if (!page.next_cursor) break;
    if (seen.has(page.next_cursor))
      throw new RequestError(
        `GET ${route}: the API gave the cursor ${page.next_cursor} twice; stopped paging`,
      );
    seen.add(page.next_cursor);
    cursor = page.next_cursor;
  }
  const whole = { items, next_cursor: null };
  if (io.json) return io.out(JSON.stringify(whole, null, 2));
  for (const line of lines(whole, io.now())) io.out(line);
}
