import { createHash, randomBytes } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/context.ts';

/** What the queue keeps of a message between receives. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** Epoch ms. */
  readonly sentTimestamp: number;
  /** Epoch ms; set by the first receive. */
  firstReceiveTimestamp: number | undefined;
  receiveCount: number;
  /** On the monotonic clock (`performance.now()`): when a received message may be received again. */
  visibleAt: number;
}

/** The ARN the local stack gives a queue, as an event source mapping reports it. */
export const localQueueArn = (queueName: string): string =>
  `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${queueName}`;

/** The MD5 SQS reports for a body: hex of its UTF-8 bytes. */
export const md5OfBody = (body: string): string => createHash('md5').update(body, 'utf8').digest('hex');

/** One receive of a message, as the event source mapping puts it in the `Records` of an SQS event. */
export function sqsRecord(message: StoredMessage, queueArn: string): SQSRecord {
  return {
    messageId: message.messageId,
    // A fresh handle per receive, as SQS gives; nothing reads it back here.
    receiptHandle: randomBytes(48).toString('base64'),
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
    },
    messageAttributes: {},
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}
