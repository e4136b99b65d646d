import { readFile, truncate } from 'node:fs/promises';
import type { LoggedEvent } from '../event-log.ts';
import { EventLogCorruptError } from './errors.ts';

const NEWLINE = 0x0a;

/**
 * The events in a JSON-lines file, oldest first; none if it does not exist. A last line cut short (the
 * process died mid-append) is cut off the file; anything else unreadable throws {@link EventLogCorruptError}.
 */
export async function loadEvents(file: string): Promise<LoggedEvent[]> {
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const complete = content.lastIndexOf(NEWLINE) + 1;
  // Every append ends in a newline, so bytes after the last one are a torn write.
  if (complete < content.length) await truncate(file, complete);
  const lines = content.subarray(0, complete).toString('utf8').split('\n');
  const events: LoggedEvent[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const event = parseLine(file, index + 1, line);
    const previous = events.at(-1);
    if (previous && event.seq <= previous.seq) {
      throw new EventLogCorruptError(file, index + 1, `seq ${event.seq} does not follow ${previous.seq}`);
    }
    events.push(event);
  }
  return events;
}

/** One event as its line in the file, newline included. */
export const eventLine = (event: LoggedEvent): string => `${JSON.stringify(event)}\n`;

function parseLine(file: string, line: number, text: string): LoggedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EventLogCorruptError(file, line, 'not JSON', { cause: error });
  }
  const event = value as Partial<LoggedEvent> | null;
  if (
    typeof event !== 'object' ||
    event === null ||
    !Number.isSafeInteger(event.seq) ||
    typeof event.detail_type !== 'string' ||
    typeof event.source !== 'string' ||
    typeof event.time !== 'string' ||
    typeof event.detail !== 'object' ||
    event.detail === null
  ) {
    throw new EventLogCorruptError(file, line, 'not a logged event');
  }
  return Object.freeze({ ...(event as LoggedEvent), detail: Object.freeze(event.detail) });
}
