import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  EVENT_SOURCE,
  type LogisticsOrderStatusChanged,
  STATUS_CHANGED_DETAIL_TYPE,
  type StatusEventPublisher,
} from '#lib/tracking/ports.ts';
import { EventLogClosedError } from './events/errors.ts';
import { eventLine, loadEvents } from './events/jsonl.ts';

export { eventLogRoute } from './events/route.ts';

/** One published event, numbered in the order the log took it. */
export interface LoggedEvent {
  /** From 1, increasing; continues after a restart. */
  readonly seq: number;
  readonly detail_type: string;
  readonly source: string;
  /** When it was published, ISO 8601. */
  readonly time: string;
  readonly detail: LogisticsOrderStatusChanged;
}

export interface EventFilter {
  readonly logistics_order_id?: string;
  /** Only events after this `seq`: pass the `next` of the previous page. Default 0, from the start. */
  readonly since?: number;
  /** Default: all that match. */
  readonly limit?: number;
}

export interface EventPage {
  readonly events: readonly LoggedEvent[];
  /** The `since` for what comes after this page: the last `seq` looked at. */
  readonly next: number;
}

export interface EventLog {
  readonly publisher: StatusEventPublisher;
  list(filter?: EventFilter): EventPage;
  /** Takes no more events and waits for those being written. */
  close(): Promise<void>;
}

export interface EventLogOptions {
  /** A JSON-lines file the events are appended to and loaded from; in memory only when absent. */
  readonly file?: string;
}

/**
 * The stand-in for EventBridge: status changes the workers publish, kept in order so a developer (or a
 * test) can read what would have gone out. With a file, a restart keeps them.
 */
export async function openEventLog(options: EventLogOptions = {}): Promise<EventLog> {
  for (const key of Object.keys(options)) {
    if (key !== 'file') throw new TypeError(`openEventLog: unknown option ${key}`);
  }
  const { file } = options;
  let handle: FileHandle | undefined;
  const events: LoggedEvent[] = [];
  if (file !== undefined) {
    await mkdir(dirname(file), { recursive: true });
    events.push(...(await loadEvents(file)));
    handle = await open(file, 'a');
  }
  let nextSeq = (events.at(-1)?.seq ?? 0) + 1;
  // Publishes wait here while a write is under way, then go to the file together in one append,
  // in the order they came: the file holds them in `seq` order.
  let waiting: { batch: LoggedEvent[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let running = false;
  let closing: Promise<void> | undefined;

  const write = async (): Promise<void> => {
    running = true;
    try {
      for (let group = waiting; group.length > 0; group = waiting) {
        waiting = [];
        const batch = group.flatMap((each) => each.batch);
        try {
          if (handle && batch.length > 0) await handle.appendFile(batch.map(eventLine).join(''));
          events.push(...batch);
          for (const each of group) each.resolve();
        } catch (error) {
          for (const each of group) each.reject(error);
        }
      }
    } finally {
      running = false;
    }
  };

  const publish = async (details: readonly LogisticsOrderStatusChanged[]): Promise<void> => {
    if (closing !== undefined) throw new EventLogClosedError();
    const time = new Date().toISOString();
    const batch = details.map((detail) =>
      Object.freeze({
        seq: nextSeq++,
        detail_type: STATUS_CHANGED_DETAIL_TYPE,
        source: EVENT_SOURCE,
        time,
        // As EventBridge takes it: JSON, so what is listed is what a reload gives back.
        detail: Object.freeze(JSON.parse(JSON.stringify(detail)) as LogisticsOrderStatusChanged),
      }),
    );
    const written = new Promise<void>((resolve, reject) => waiting.push({ batch, resolve, reject }));
    if (!running) writing = write();
    return written;
  };

  return {
    publisher: { publish },
    list: (filter = {}) => listEvents(events, filter),
    close: () => {
      closing ??= (async () => {
        await writing;
        await handle?.close();
      })();
      return closing;
    },
  };
}

function listEvents(events: readonly LoggedEvent[], filter: EventFilter): EventPage {
  const { logistics_order_id: id, since = 0, limit = Number.POSITIVE_INFINITY } = filter;
  if (!Number.isSafeInteger(since) || since < 0)
    throw new RangeError(`since must be a whole number, got ${since}`);
  if (!(limit > 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new RangeError(`limit must be a positive whole number, got ${limit}`);
  }
  const page: LoggedEvent[] = [];
  let next = since;
  for (let index = firstAfter(events, since); index < events.length && page.length < limit; index++) {
    const event = events[index] as LoggedEvent;
    next = event.seq;
    if (id === undefined || event.detail.logistics_order_id === id) page.push(event);
  }
  return { events: page, next };
}

/** The index of the first event with a `seq` above `since` (binary search: they are in order). */
function firstAfter(events: readonly LoggedEvent[], since: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle] as LoggedEvent).seq <= since) low = middle + 1;
    else high = middle;
  }
  return low;
}
