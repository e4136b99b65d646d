import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAwsServices, type LocalEventEntry, startLocalAwsServices } from '#local/aws-services.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const received: string[] = [];
const events: LocalEventEntry[] = [];
let services: LocalAwsServices;

beforeAll(async () => {
  services = await startLocalAwsServices({
    queues: { refresh: { send: async (bodies) => void received.push(...bodies) } },
    putEvents: async (entries) => void events.push(...entries),
  });
});
afterAll(async () => {
  await services.close();
});

describe('the local AWS endpoint', () => {
  it('takes SendMessageBatch from the real SQS client, pointed at the queue URL’s origin as the functions are', async () => {
    const sqs = new SQSClient({ region: 'local', credentials, endpoint: services.url });
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: services.queueUrl('refresh'),
        Entries: [
          { Id: 'a', MessageBody: '{"n":1}' },
          { Id: 'b', MessageBody: 'second' },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(received).toEqual(['{"n":1}', 'second']);
    sqs.destroy();
  });

  it('refuses a queue it does not have', async () => {
    const sqs = new SQSClient({ region: 'local', credentials, endpoint: services.url, maxAttempts: 1 });
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: services.queueUrl('nope'),
          Entries: [{ Id: 'a', MessageBody: 'x' }],
        }),
      ),
    ).rejects.toThrow();
    sqs.destroy();
  });

  it('takes PutEvents from the real EventBridge client', async () => {
    const eventBridge = new EventBridgeClient({ region: 'local', credentials, endpoint: services.url });
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [{ Source: 'test', DetailType: 'Thing', Detail: '{"a":1}', EventBusName: 'local' }],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(events).toEqual([
      { Source: 'test', DetailType: 'Thing', Detail: '{"a":1}', EventBusName: 'local' },
    ]);
    eventBridge.destroy();
  });
});
