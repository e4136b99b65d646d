import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RefreshMessage, RefreshQueue } from './ports.ts';

// SendMessageBatch takes at most 10 entries.
const BATCH = 10;
// Entries SQS refused are sent again this many times before the dispatch fails.
const RESENDS = 3;

/** The refresh queue on SQS. A send that still fails leaves the orders claimed: due again after the lease. */
export function sqsRefreshQueue(client: SQSClient, queueUrl: string): RefreshQueue {
  return {
    async send(messages) {
      const batches: RefreshMessage[][] = [];
      for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));
      await Promise.all(batches.map((batch) => sendBatch(client, queueUrl, batch)));
    },
  };
}

async function sendBatch(client: SQSClient, queueUrl: string, batch: readonly RefreshMessage[]) {
  let pending = batch.map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) }));
  for (let round = 0; pending.length > 0; round++) {
    const { Failed = [] } = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
    );
    const failed = new Set(Failed.map((entry) => entry.Id));
    pending = pending.filter((entry) => failed.has(entry.Id));
    if (pending.length > 0 && round + 1 >= RESENDS) {
      throw new Error(`SQS refused ${pending.length} refresh messages: ${Failed[0]?.Code ?? 'unknown'}`);
    }
  }
}
