import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE,
  type LogisticsOrderStatusChanged,
  STATUS_CHANGED_DETAIL_TYPE,
} from '#lib/tracking/ports.ts';
import { type EventLog, eventLogRoute, openEventLog } from '#local/event-log.ts';
import { EventLogClosedError, EventLogCorruptError } from '#local/events/errors.ts';
import { type LocalGateway, startLocalGateway } from '#local/gateway/server.ts';
import { jsonOf, rawRequest } from '#test/helpers/local-http.ts';

const change = (
  logistics_order_id: string,
  to: string,
  from: string | undefined = undefined,
): LogisticsOrderStatusChanged => ({
  logistics_order_id,
  seller_id: 'seller-1',
  from,
  to,
  at: '2025-03-01T08:00:00.000Z',
});

let dir: string;
const opened: EventLog[] = [];
const open = async (file?: string) => {
  const log = await openEventLog(file === undefined ? {} : { file });
  opened.push(log);
  return log;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'event-log-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((log) => log.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('openEventLog', () => {
  it('numbers published events from 1 and lists them as EventBridge would have sent them', async () => {
    const log = await open();

    await log.publisher.publish([change('LP1', '1'), change('LP2', '1')]);
    await log.publisher.publish([change('LP1', '2', '1')]);

    const { events, next } = log.list();
    expect(events).toEqual([
      {
        seq: 1,
        detail_type: STATUS_CHANGED_DETAIL_TYPE,
        source: EVENT_SOURCE,
        time: expect.any(String),
        detail: change('LP1', '1'),
      },
      {
        seq: 2,
        detail_type: STATUS_CHANGED_DETAIL_TYPE,
        source: EVENT_SOURCE,
        time: expect.any(String),
        detail: change('LP2', '1'),
      },
      {
        seq: 3,
        detail_type: STATUS_CHANGED_DETAIL_TYPE,
        source: EVENT_SOURCE,
        time: expect.any(String),
        detail: change('LP1', '2', '1'),
      },
    ]);
    expect(new Date(events[0]?.time ?? '').toISOString()).toBe(events[0]?.time);
    expect(next).toBe(3);
  });

  it('lists the events of one logistics order', async () => {
    const log = await open();
    await log.publisher.publish([change('LP1', '1'), change('LP2', '1'), change('LP1', '2', '1')]);

    const { events } = log.list({ logistics_order_id: 'LP1' });

    expect(events.map((event) => [event.seq, event.detail.to])).toEqual([
      [1, '1'],
      [3, '2'],
    ]);
  });

  it('pages with since and limit: next is the since of the following page', async () => {
    const log = await open();
    await log.publisher.publish(['1', '2', '3', '4', '5'].map((to) => change('LP1', to)));

    const first = log.list({ limit: 2 });
    const second = log.list({ since: first.next, limit: 2 });
    const third = log.list({ since: second.next, limit: 2 });
    const after = log.list({ since: third.next, limit: 2 });

    expect([first, second, third, after].map((page) => page.events.map((event) => event.seq))).toEqual([
      [1, 2],
      [3, 4],
      [5],
      [],
    ]);
    expect(after.next).toBe(5);
  });

  it('moves next past events a filter skipped, so polling does not look at them again', async () => {
    const log = await open();
    await log.publisher.publish([change('LP1', '1'), change('LP2', '1'), change('LP2', '2')]);

    expect(log.list({ logistics_order_id: 'LP1' })).toMatchObject({ next: 3 });
    expect(log.list({ logistics_order_id: 'LP9', since: 1 })).toEqual({ events: [], next: 3 });
  });

  it('keeps events in a JSON-lines file and loads them back, seq continuing after a restart', async () => {
    const file = join(dir, 'data', 'events.jsonl');
    const before = await openEventLog({ file });
    await before.publisher.publish([change('LP1', '1'), change('LP1', '2', '1')]);
    await before.close();

    const after = await open(file);
    await after.publisher.publish([change('LP1', '6', '2')]);

    expect(after.list().events.map((event) => [event.seq, event.detail.to])).toEqual([
      [1, '1'],
      [2, '2'],
      [3, '6'],
    ]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual([1, 2, 3]);
  });

  it('writes the publishes that come while a write is under way together, in the order they came', async () => {
    const file = join(dir, 'events.jsonl');
    const log = await open(file);

    await Promise.all(Array.from({ length: 30 }, (_, i) => log.publisher.publish([change(`LP${i}`, '1')])));

    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.seq, line.detail.logistics_order_id])).toEqual(
      Array.from({ length: 30 }, (_, i) => [i + 1, `LP${i}`]),
    );
    expect(log.list().events.map((event) => event.seq)).toEqual(lines.map((line) => line.seq));
  });

  it('drops a last line cut short by a crash and appends cleanly after it', async () => {
    const file = join(dir, 'events.jsonl');
    const before = await openEventLog({ file });
    await before.publisher.publish([change('LP1', '1')]);
    await before.close();
    await appendFile(file, '{"seq":2,"detail_type":"Logis');

    const after = await open(file);
    await after.publisher.publish([change('LP1', '2', '1')]);
    await after.close();

    const reloaded = await open(file);
    expect(reloaded.list().events.map((event) => event.seq)).toEqual([1, 2]);
  });

  it('refuses a file with an unreadable line in the middle, naming the line', async () => {
    const file = join(dir, 'events.jsonl');
    await writeFile(file, 'not json\n{"seq":1}\n');

    const opening = openEventLog({ file });

    await expect(opening).rejects.toBeInstanceOf(EventLogCorruptError);
    await expect(opening).rejects.toMatchObject({ line: 1 });
  });

  it('refuses a publish after close, having written everything published before', async () => {
    const file = join(dir, 'events.jsonl');
    const log = await openEventLog({ file });
    const publishing = log.publisher.publish([change('LP1', '1')]);

    await log.close();

    await publishing;
    await expect(log.publisher.publish([change('LP1', '2')])).rejects.toBeInstanceOf(EventLogClosedError);
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
  });

  it('rejects an unknown option', async () => {
    await expect(openEventLog({ path: 'events.jsonl' } as never)).rejects.toThrow('unknown option path');
  });
});

describe('eventLogRoute: GET /events', () => {
  let log: EventLog;
  let gateway: LocalGateway;

  beforeAll(async () => {
    log = await openEventLog();
    await log.publisher.publish(
      Array.from({ length: 150 }, (_, index) =>
        change(index % 2 === 0 ? 'LP-EVEN' : 'LP-ODD', String(index)),
      ),
    );
    gateway = await startLocalGateway({ routes: [eventLogRoute(log)] });
  });

  afterAll(async () => {
    await gateway.close();
    await log.close();
  });

  const get = (query: string) => rawRequest(`${gateway.url}/events${query}`);

  it('is for this machine only', () => {
    expect(eventLogRoute(log)).toMatchObject({ method: 'GET', path: '/events', loopbackOnly: true });
  });

  it('answers the first 100 events by default, with the cursor for the next page', async () => {
    const response = await get('');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const page = jsonOf(response) as { events: { seq: number }[]; next: number };
    expect(page.events).toHaveLength(100);
    expect(page.events[0]).toMatchObject({ seq: 1, detail_type: STATUS_CHANGED_DETAIL_TYPE });
    expect(page.next).toBe(100);
  });

  it('filters by logistics order and pages with since and limit', async () => {
    const response = await get('?logistics_order_id=LP-ODD&since=10&limit=3');

    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual(log.list({ logistics_order_id: 'LP-ODD', since: 10, limit: 3 }));
    expect(jsonOf(response)).toMatchObject({ events: [{ seq: 12 }, { seq: 14 }, { seq: 16 }], next: 16 });
  });

  it('takes a limit of up to 1000', async () => {
    const page = jsonOf(await get('?limit=1000')) as { events: unknown[]; next: number };

    expect(page).toMatchObject({ next: 150 });
    expect(page.events).toHaveLength(150);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['since=-1', 'since'],
    ['since=1.5', 'since'],
    ['since=99999999999999999999', 'since'],
    ['logistics_order_id=', 'logistics_order_id'],
    ['logistic_order_id=LP-ODD', 'logistic_order_id'],
  ])('answers 400 naming the parameter for ?%s', async (query, parameter) => {
    const response = await get(`?${query}`);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(jsonOf(response)).toMatchObject({
      status: 400,
      title: 'Invalid query',
      detail: expect.stringContaining(parameter),
      errors: [{ path: parameter, message: expect.any(String) }],
    });
  });
});
