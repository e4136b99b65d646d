import { SQSClient } from '@aws-sdk/client-sqs';
import type { RefreshQueue } from '#lib/tracking/ports.ts';
import { sqsRefreshQueue } from '#lib/tracking/sqs-queue.ts';

/** The refresh queue on SQS: the queue URL names its endpoint, in AWS and locally alike. */
export const sqsRefreshQueuePort = (queueUrl: string, client: SQSClient | undefined): RefreshQueue =>
  sqsRefreshQueue(client ?? new SQSClient({ endpoint: new URL(queueUrl).origin }), queueUrl);
