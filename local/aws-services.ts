import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './gateway/body.ts';
import { LOCAL_ACCOUNT_ID } from './lambda/context.ts';
import { isSecretsManagerTarget, type LocalSecretStore } from './secrets-manager.ts';

const AWS_JSON_1_0 = 'application/x-amz-json-1.0';
/** What the SDK sends Secrets Manager's calls as, and reads its answers as. */
const AWS_JSON_1_1 = 'application/x-amz-json-1.1';

/** A queue as the local SQS endpoint hands it messages. */
export interface LocalQueueSink {
  send(bodies: readonly string[]): Promise<void>;
}

/** An event as EventBridge's PutEvents takes it. */
export interface LocalEventEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
}

export interface LocalAwsServicesOptions {
  /** Queues by name: `<url>/<account>/<name>` is each one's QueueUrl. */
  readonly queues: Readonly<Record<string, LocalQueueSink>>;
  /** Where PutEvents entries go. */
  readonly putEvents: (entries: readonly LocalEventEntry[]) => Promise<void>;
  /** Answers Secrets Manager's calls; without it they are refused, as any call not served here is. */
  readonly secrets?: LocalSecretStore;
}

export interface LocalAwsServices {
  readonly url: string;
  queueUrl(name: string): string;
  close(): Promise<void>;
}

/**
 * The AWS JSON-protocol calls the functions make besides DynamoDB, on one loopback port, so they run
 * with the real SDK clients: SQS `SendMessageBatch` (the SDK sends to the queue URL), EventBridge
 * `PutEvents` (through `EVENTBRIDGE_ENDPOINT`) and, given a secret store, Secrets Manager's
 * `CreateSecret`, `PutSecretValue`, `GetSecretValue`, `DescribeSecret`, `ListSecrets` and
 * `DeleteSecret` (through `SECRETS_MANAGER_ENDPOINT`, set to `url`). Anything else answers 400.
 */
export async function startLocalAwsServices(options: LocalAwsServicesOptions): Promise<LocalAwsServices> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      answer(res, 500, { __type: 'InternalFailure', message: (error as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queueUrl: (name) => `${url}/${LOCAL_ACCOUNT_ID}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle(options: LocalAwsServicesOptions, req: IncomingMessage, res: ServerResponse) {
  const read = await readBody(req);
  if (read.kind === 'too-large')
    return answer(res, 413, { __type: 'RequestEntityTooLarge', message: 'too large' });
  const target = req.headers['x-amz-target'];
  if (options.secrets && isSecretsManagerTarget(target)) {
    const reply = await options.secrets.handle(target, read.body);
    return answer(res, reply.status, reply.body, AWS_JSON_1_1);
  }
  const body = JSON.parse(read.body.toString('utf8') || '{}') as Record<string, unknown>;
  if (target === 'AmazonSQS.SendMessageBatch') {
    const queueName =
      String(body.QueueUrl ?? '')
        .split('/')
        .pop() ?? '';
    const queue = options.queues[queueName];
    if (!queue) {
      return answer(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no such queue' });
    }
    const entries = (body.Entries ?? []) as { Id: string; MessageBody: string }[];
    await queue.send(entries.map((entry) => entry.MessageBody));
    return answer(res, 200, {
      Successful: entries.map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        // The SDK checks each body's MD5 against this.
        MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
      })),
      Failed: [],
    });
  }
  if (target === 'AWSEvents.PutEvents') {
    const entries = (body.Entries ?? []) as LocalEventEntry[];
    await options.putEvents(entries);
    return answer(res, 200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
  }
  return answer(res, 400, { __type: 'UnknownOperationException', message: `unsupported: ${String(target)}` });
}

function answer(res: ServerResponse, status: number, body: unknown, contentType = AWS_JSON_1_0) {
  res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
}
