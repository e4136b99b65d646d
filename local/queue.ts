import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import type { RefreshMessage, RefreshQueue } from '#lib/tracking/ports.ts';
import { invokeLambda } from './lambda/invoke.ts';
import { failedMessageIds } from './queue/batch-response.ts';
import { InvalidMessageContentsError, MessageTooLargeError, QueueClosedError } from './queue/errors.ts';
import { type LocalQueueOptions, resolveQueueOptions } from './queue/options.ts';
import { localQueueArn, md5OfBody, type StoredMessage, sqsRecord } from './queue/record.ts';

export type { LocalQueueOptions, QueueHandler } from './queue/options.ts';

/** The most a message body holds, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

// The characters SQS accepts in a body; anything else (NUL, a lone surrogate) is InvalidMessageContents.
const OUTSIDE_SQS_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface QueueStats {
  /** In the queue and not being handled: visible, or waiting out a visibility timeout. */
  readonly queued: number;
  /** In a batch whose invocation has not finished. */
  readonly inFlight: number;
  /** Handled and deleted. */
  readonly delivered: number;
  readonly deadLettered: number;
  /** Receives, redeliveries included. */
  readonly received: number;
}

/** A message moved to the dead-letter queue after `maxReceiveCount` receives. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

export interface LocalQueue {
  /** Queues the bodies, all or none: a body SQS would refuse rejects the whole call. */
  send(bodies: readonly string[]): Promise<void>;
  /** Resolves once nothing is queued or in flight; rejects with {@link QueueClosedError} if closed before. */
  drained(): Promise<void>;
  stats(): QueueStats;
  deadLetters(): readonly DeadLetter[];
  /** Starts no more batches, waits for those in flight, and leaves no timer behind. */
  close(): Promise<void>;
}

interface DrainWaiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * An SQS queue with a Lambda event source mapping, in process: batches of up to `batchSize`, at most
 * `maxConcurrency` invocations at once, partial batch responses, a visibility timeout counted from the
 * receive, and a dead-letter list after `maxReceiveCount` receives. Nothing polls: it wakes on `send`,
 * when a batch finishes, and on one timer for the next message to become visible again.
 */
export function startLocalQueue(options: LocalQueueOptions): LocalQueue {
  const {
    name,
    handler,
    batchSize,
    maxConcurrency,
    visibilityTimeoutMs,
    maxReceiveCount,
    timeoutMs,
    logError,
  } = resolveQueueOptions(options);
  const arn = localQueueArn(name);
  const visible: StoredMessage[] = [];
  // Received and not deleted, once their batch has finished.
  const hidden = new Set<StoredMessage>();
  const batches = new Set<Promise<void>>();
  const dead: DeadLetter[] = [];
  let drainWaiters: DrainWaiter[] = [];
  let inFlight = 0;
  let delivered = 0;
  let received = 0;
  let wake: NodeJS.Immediate | undefined;
  let visibilityTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const isDrained = () => visible.length === 0 && hidden.size === 0 && inFlight === 0;

  // Coalesced: bodies sent in one turn of the event loop fill batches instead of leaving one each.
  function schedulePump(): void {
    if (wake === undefined && closing === undefined) wake = setImmediate(pump);
  }

  function pump(): void {
    wake = undefined;
    if (closing !== undefined) return;
    reveal(performance.now());
    while (batches.size < maxConcurrency && visible.length > 0) start(visible.splice(0, batchSize));
    armVisibilityTimer();
    if (isDrained()) for (const waiter of drainWaiters.splice(0)) waiter.resolve();
  }

  // Messages whose visibility timeout has passed are received again, or dead-lettered once used up.
  function reveal(now: number): void {
    for (const message of hidden) {
      if (message.visibleAt > now) continue;
      hidden.delete(message);
      if (message.receiveCount < maxReceiveCount) {
        visible.push(message);
        continue;
      }
      const { messageId, body, receiveCount } = message;
      dead.push(Object.freeze({ messageId, body, receiveCount }));
      logError(`${name}: message ${messageId} moved to the dead-letter queue after ${receiveCount} receives`);
    }
  }

  function armVisibilityTimer(): void {
    clearTimeout(visibilityTimer);
    visibilityTimer = undefined;
    if (hidden.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const message of hidden) next = Math.min(next, message.visibleAt);
    // At least 1 ms: the monotonic clock and the timer may disagree by a fraction.
    visibilityTimer = setTimeout(pump, Math.max(1, Math.ceil(next - performance.now())));
  }

  function start(batch: StoredMessage[]): void {
    const receivedAt = Date.now();
    const visibleAt = performance.now() + visibilityTimeoutMs;
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= receivedAt;
      message.visibleAt = visibleAt;
    }
    received += batch.length;
    inFlight += batch.length;
    const event: SQSEvent = { Records: batch.map((message) => sqsRecord(message, arn)) };
    const run = deliver(batch, event).finally(() => {
      batches.delete(run);
      pump();
    });
    batches.add(run);
  }

  async function deliver(batch: readonly StoredMessage[], event: SQSEvent): Promise<void> {
    const ids = new Set(batch.map((message) => message.messageId));
    let failed: ReadonlySet<string>;
    try {
      const response = await invokeLambda(handler, event, { functionName: name, timeoutMs });
      failed = failedMessageIds(response, ids);
    } catch (error) {
      logError(`${name}: a batch of ${batch.length} failed; it returns after the visibility timeout`, error);
      failed = ids;
    }
    inFlight -= batch.length;
    for (const message of batch) {
      if (failed.has(message.messageId)) hidden.add(message);
      else delivered += 1;
    }
  }

  function accept(bodies: readonly string[]): StoredMessage[] {
    for (const [index, body] of bodies.entries()) {
      if (typeof body !== 'string' || body === '') {
        throw new InvalidMessageContentsError(name, index, 'must be a non-empty string');
      }
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(name, index, bytes, MAX_MESSAGE_BYTES);
      if (OUTSIDE_SQS_CHARACTERS.test(body)) {
        throw new InvalidMessageContentsError(name, index, 'holds characters SQS does not accept');
      }
    }
    const sentTimestamp = Date.now();
    return bodies.map((body) => ({
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      sentTimestamp,
      firstReceiveTimestamp: undefined,
      receiveCount: 0,
      visibleAt: 0,
    }));
  }

  return {
    send: async (bodies) => {
      if (closing !== undefined) throw new QueueClosedError(name, 'send');
      const messages = accept(bodies);
      if (messages.length === 0) return;
      visible.push(...messages);
      schedulePump();
    },
    drained: () => {
      if (isDrained()) return Promise.resolve();
      if (closing !== undefined) {
        return closing.then(() => {
          if (!isDrained()) throw new QueueClosedError(name, 'drained');
        });
      }
      return new Promise((resolve, reject) => drainWaiters.push({ resolve, reject }));
    },
    stats: () => ({
      queued: visible.length + hidden.size,
      inFlight,
      delivered,
      deadLettered: dead.length,
      received,
    }),
    deadLetters: () => [...dead],
    close: () => {
      closing ??= (async () => {
        clearImmediate(wake);
        clearTimeout(visibilityTimer);
        wake = undefined;
        visibilityTimer = undefined;
        await Promise.all(batches);
        const waiters = drainWaiters;
        drainWaiters = [];
        for (const waiter of waiters) {
          if (isDrained()) waiter.resolve();
          else waiter.reject(new QueueClosedError(name, 'drained'));
        }
      })();
      return closing;
    },
  };
}

/** The dispatcher's {@link RefreshQueue} over a local queue: one JSON body per message. */
export function localRefreshQueue(queue: Pick<LocalQueue, 'send'>): RefreshQueue {
  return {
    send: (messages: readonly RefreshMessage[]) =>
      queue.send(
        messages.map(({ logistics_order_id, token }) => JSON.stringify({ logistics_order_id, token })),
      ),
  };
}
