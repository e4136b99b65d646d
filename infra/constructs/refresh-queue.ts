import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** SQS redelivers a message after this many visibility timeouts per worker timeout (AWS's guidance). */
export const VISIBILITY_PER_WORKER_TIMEOUT = 6;
/** Receives before a message that keeps failing is moved to the dead-letter queue. */
export const MAX_RECEIVES = 5;

export interface RefreshQueueProps {
  /** The worker function's timeout; the queue's visibility timeout is a multiple of it. */
  readonly workerTimeout: Duration;
}

/**
 * The queue from the dispatcher to the refresh workers, and its dead-letter queue. A message is one
 * due order; one that failed five receives is kept for 14 days in the DLQ, where an alarm sees it.
 */
export class RefreshQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: RefreshQueueProps) {
    super(scope, id);
    this.visibilityTimeout = Duration.seconds(
      props.workerTimeout.toSeconds() * VISIBILITY_PER_WORKER_TIMEOUT,
    );
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });
  }
}
