import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RefreshMessage } from '#lib/tracking/ports.ts';
import {
  InvalidMessageContentsError,
  MalformedBatchResponseError,
  MessageTooLargeError,
  QueueClosedError,
  QueueConfigError,
} from '#local/queue/errors.ts';
import {
  type LocalQueue,
  type LocalQueueOptions,
  localRefreshQueue,
  MAX_MESSAGE_BYTES,
  type QueueHandler,
  startLocalQueue,
} from '#local/queue.ts';

// Fast redelivery; the function timeout may not exceed it. Handlers here answer within one turn of the
// event loop, long before either timer could fire.
const QUICK = { visibilityTimeoutMs: 50, timeoutMs: 50 } as const;

/** A handler that records every batch and answers with `answer`. */
function recorder(answer: QueueHandler = async () => {}) {
  const batches: SQSRecord[][] = [];
  const contexts: Context[] = [];
  const handler: QueueHandler = async (event, context) => {
    batches.push(event.Records);
    contexts.push(context);
    return answer(event, context);
  };
  return {
    handler,
    batches,
    contexts,
    /** Every record delivered, in order. */
    get records() {
      return batches.flat();
    },
  };
}

/** A handler that stays in its invocation until the test opens the gate. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

const failing =
  (shouldFail: (record: SQSRecord) => boolean): QueueHandler =>
  async (event): Promise<SQSBatchResponse> => ({
    batchItemFailures: event.Records.filter(shouldFail).map((record) => ({
      itemIdentifier: record.messageId,
    })),
  });

const firstReceive = (record: SQSRecord) => record.attributes.ApproximateReceiveCount === '1';

const queues: LocalQueue[] = [];
function queue(options: LocalQueueOptions): LocalQueue {
  const started = startLocalQueue({ logError: () => {}, ...options });
  queues.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
  vi.useRealTimers();
});

describe('startLocalQueue: records as the SQS event source mapping delivers them', () => {
  it('gives each message an SQS record and the handler a Lambda context named after the queue', async () => {
    const calls = recorder();
    const q = queue({ name: 'order-refresh', handler: calls.handler });

    await q.send(['{"logistics_order_id":"LP1"}']);
    await q.drained();

    const [record] = calls.records;
    expect(record).toEqual({
      messageId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      receiptHandle: expect.any(String),
      body: '{"logistics_order_id":"LP1"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update('{"logistics_order_id":"LP1"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:order-refresh',
      awsRegion: 'local',
    });
    expect(calls.contexts[0]?.functionName).toBe('order-refresh');
    expect(calls.contexts[0]?.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('hands over batches of at most batchSize, every message once', async () => {
    const calls = recorder();
    const q = queue({ name: 'refresh', handler: calls.handler, batchSize: 3, maxConcurrency: 1 });
    const bodies = Array.from({ length: 10 }, (_, index) => `m${index}`);

    await q.send(bodies);
    await q.drained();

    expect(calls.batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    expect(calls.records.map((record) => record.body).sort()).toEqual([...bodies].sort());
    expect(q.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 10, deadLettered: 0, received: 10 });
  });

  it('fills batches from bodies sent in separate calls within one turn', async () => {
    const calls = recorder();
    const q = queue({ name: 'refresh', handler: calls.handler, batchSize: 10, maxConcurrency: 1 });

    for (const body of ['a', 'b', 'c']) await q.send([body]);
    await q.drained();

    expect(calls.batches.map((batch) => batch.map((record) => record.body))).toEqual([['a', 'b', 'c']]);
  });

  it('never runs more than maxConcurrency invocations at once', async () => {
    let running = 0;
    let most = 0;
    const q = queue({
      name: 'refresh',
      batchSize: 1,
      maxConcurrency: 3,
      handler: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    });

    await q.send(Array.from({ length: 12 }, (_, index) => `m${index}`));
    await q.drained();

    expect(most).toBe(3);
    expect(q.stats().delivered).toBe(12);
  });
});

describe('startLocalQueue: failures and redelivery', () => {
  it('deletes the messages a partial batch response leaves out and redelivers those it names', async () => {
    const calls = recorder(failing((record) => record.body === 'b' && firstReceive(record)));
    const q = queue({ name: 'refresh', handler: calls.handler, ...QUICK });

    await q.send(['a', 'b', 'c']);
    await q.drained();

    const receives = calls.records.map((record) => [record.body, record.attributes.ApproximateReceiveCount]);
    expect(receives).toEqual([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
      ['b', '2'],
    ]);
    expect(calls.batches[1]?.[0]?.messageId).toBe(calls.batches[0]?.[1]?.messageId);
    expect(q.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 3, deadLettered: 0, received: 4 });
  });

  it('redelivers the whole batch when the handler throws, each with a fresh receipt handle', async () => {
    const failure = new Error('TOP is down');
    let calls = 0;
    const records: SQSRecord[][] = [];
    const logError = vi.fn();
    const q = queue({
      name: 'refresh',
      ...QUICK,
      logError,
      handler: async (event) => {
        records.push(event.Records);
        calls += 1;
        if (calls === 1) throw failure;
      },
    });

    await q.send(['a', 'b', 'c']);
    await q.drained();

    const [first = [], second = []] = records;
    expect(second.map((record) => record.messageId)).toEqual(first.map((record) => record.messageId));
    expect(second.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(second[0]?.receiptHandle).not.toBe(first[0]?.receiptHandle);
    expect(second[0]?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first[0]?.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(logError).toHaveBeenCalledExactlyOnceWith(expect.stringContaining('a batch of 3 failed'), failure);
  });

  it('redelivers the whole batch when the handler runs past its timeout', async () => {
    let calls = 0;
    const logError = vi.fn();
    const q = queue({
      name: 'refresh',
      ...QUICK,
      logError,
      handler: async () => {
        calls += 1;
        // The first invocation never answers.
        if (calls === 1) await new Promise(() => {});
      },
    });

    await q.send(['a']);
    await q.drained();

    expect(calls).toBe(2);
    expect(logError.mock.calls[0]?.[1]).toMatchObject({ name: 'LambdaTimeoutError' });
  });

  it.each<[string, unknown]>([
    ['names a message not in the batch', { batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] }],
    ['has an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['has an entry without itemIdentifier', { batchItemFailures: [{ id: 'x' }] }],
    ['has batchItemFailures that is not a list', { batchItemFailures: 'all' }],
    ['is not an object', 'failed'],
  ])('counts the whole batch as failed when the response %s', async (_, response) => {
    let calls = 0;
    const logError = vi.fn();
    const q = queue({
      name: 'refresh',
      ...QUICK,
      logError,
      handler: async () => {
        calls += 1;
        return (calls === 1 ? response : undefined) as SQSBatchResponse;
      },
    });

    await q.send(['a', 'b']);
    await q.drained();

    expect(q.stats()).toMatchObject({ delivered: 2, received: 4 });
    expect(logError.mock.calls[0]?.[1]).toBeInstanceOf(MalformedBatchResponseError);
  });

  it.each<[string, unknown]>([
    ['nothing', undefined],
    ['null', null],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['an object without the list', {}],
  ])('counts the whole batch as handled when the response is %s', async (_, response) => {
    const q = queue({ name: 'refresh', ...QUICK, handler: async () => response as SQSBatchResponse });

    await q.send(['a', 'b']);
    await q.drained();

    expect(q.stats()).toMatchObject({ delivered: 2, received: 2 });
  });

  it('moves a message to the dead-letters after maxReceiveCount receives, never delivering it again', async () => {
    const calls = recorder(failing((record) => record.body === 'poison'));
    const logError = vi.fn();
    const q = queue({ name: 'refresh', handler: calls.handler, ...QUICK, maxReceiveCount: 3, logError });

    await q.send(['poison', 'fine']);
    await q.drained();

    const poison = calls.records.filter((record) => record.body === 'poison');
    expect(poison.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(q.deadLetters()).toEqual([{ messageId: poison[0]?.messageId, body: 'poison', receiveCount: 3 }]);
    expect(q.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 1, deadLettered: 1, received: 4 });
    expect(logError).toHaveBeenCalledWith(expect.stringContaining('moved to the dead-letter queue'));
  });
});

describe('startLocalQueue: timers', () => {
  it('holds no timer while idle and one for the next message to become visible again', async () => {
    vi.useFakeTimers();
    const calls = recorder(failing(firstReceive));
    const q = queue({
      name: 'refresh',
      handler: calls.handler,
      visibilityTimeoutMs: 1_000,
      timeoutMs: 1_000,
    });
    expect(vi.getTimerCount()).toBe(0);

    await q.send(['a', 'b']);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.records).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(999);
    expect(calls.records).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.records).toHaveLength(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close leaves no timer behind, even with messages waiting out a visibility timeout', async () => {
    vi.useFakeTimers();
    const q = queue({ name: 'refresh', handler: failing(() => true) });

    await q.send(['a']);
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stats()).toMatchObject({ queued: 1, received: 1 });

    await q.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('startLocalQueue: drained and close', () => {
  it('drained resolves at once when the queue is empty', async () => {
    const q = queue({ name: 'refresh', handler: async () => {} });

    await expect(q.drained()).resolves.toBeUndefined();
  });

  it('drained waits for redeliveries to be handled', async () => {
    const calls = recorder(failing(firstReceive));
    const q = queue({ name: 'refresh', handler: calls.handler, ...QUICK });

    await q.send(['a']);
    await q.drained();

    expect(q.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 1, deadLettered: 0, received: 2 });
  });

  it('close waits for the batches in flight and starts no other', async () => {
    const held = gate();
    const calls = recorder(() => held.opened);
    const q = queue({ name: 'refresh', handler: calls.handler, batchSize: 1, maxConcurrency: 1 });
    await q.send(['a', 'b']);
    await vi.waitUntil(() => q.stats().inFlight === 1);

    let closed = false;
    const closing = q.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);

    held.open();
    await closing;
    expect(calls.records.map((record) => record.body)).toEqual(['a']);
    expect(q.stats()).toMatchObject({ queued: 1, inFlight: 0, delivered: 1 });
  });

  it('after close, send rejects and drained rejects while messages remain', async () => {
    const q = queue({ name: 'refresh', handler: failing(() => true) });
    await q.send(['a']);
    const draining = q.drained();

    await q.close();

    await expect(draining).rejects.toBeInstanceOf(QueueClosedError);
    await expect(q.drained()).rejects.toBeInstanceOf(QueueClosedError);
    await expect(q.send(['b'])).rejects.toBeInstanceOf(QueueClosedError);
  });
});

describe('startLocalQueue: send', () => {
  it('takes any number of bodies, up to 256 KiB each, counting UTF-8 bytes', async () => {
    const q = queue({ name: 'refresh', handler: async () => {} });
    const atLimit = 'x'.repeat(MAX_MESSAGE_BYTES);
    // 'é' is two bytes in UTF-8: half as many characters already reach the limit.
    const overLimit = `${'é'.repeat(MAX_MESSAGE_BYTES / 2)}x`;

    await q.send([...Array.from({ length: 25 }, () => 'small'), atLimit]);
    await q.drained();
    expect(q.stats().delivered).toBe(26);

    const rejected = q.send(['ok', overLimit]);
    await expect(rejected).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(rejected).rejects.toMatchObject({ index: 1, bytes: MAX_MESSAGE_BYTES + 1 });
    // All or none: the good body before it was not queued either.
    expect(q.stats()).toMatchObject({ queued: 0, received: 26 });
  });

  it.each([
    ['empty', ''],
    ['a NUL character', 'a\u0000b'],
    ['a lone surrogate', 'a\uD800b'],
  ])('rejects a body that is %s, as SQS does', async (_, body) => {
    const q = queue({ name: 'refresh', handler: async () => {} });

    await expect(q.send([body])).rejects.toBeInstanceOf(InvalidMessageContentsError);
  });
});

describe('startLocalQueue: options', () => {
  const handler: QueueHandler = async () => {};

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown option', { batchsize: 5 }, 'unknown option batchsize'],
    ['a name SQS refuses', { name: 'order refresh' }, 'name must be'],
    ['a batch size of 0', { batchSize: 0 }, 'batchSize must be a whole number from 1 to 10000'],
    ['a fractional concurrency', { maxConcurrency: 1.5 }, 'maxConcurrency must be'],
    ['a receive count of 0', { maxReceiveCount: 0 }, 'maxReceiveCount must be'],
    [
      'a visibility timeout shorter than the function timeout',
      { visibilityTimeoutMs: 50 },
      'visibilityTimeoutMs (50) must be at least timeoutMs (30000)',
    ],
  ])('rejects %s', (_, options, problem) => {
    const start = () => startLocalQueue({ name: 'refresh', handler, ...options } as LocalQueueOptions);

    expect(start).toThrow(QueueConfigError);
    expect(start).toThrow(problem);
  });
});

describe('localRefreshQueue', () => {
  it('sends each refresh message as one JSON body the worker can read back', async () => {
    const events: SQSEvent[] = [];
    const q = queue({
      name: 'refresh',
      handler: async (event) => {
        events.push(event);
      },
    });
    const messages: RefreshMessage[] = [
      { logistics_order_id: 'LP00012345', token: 't-1' },
      { logistics_order_id: 'LP00067890', token: 't-2' },
    ];

    await localRefreshQueue(q).send(messages);
    await q.drained();

    const bodies = events.flatMap((event) => event.Records.map((record) => JSON.parse(record.body)));
    expect(bodies).toEqual(messages);
  });
});
