/** The queue cannot run as configured; each problem is named, as AWS names them on CreateEventSourceMapping. */
export class QueueConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid local queue: ${problems.join('; ')}`);
    this.name = 'QueueConfigError';
    this.problems = problems;
  }
}

/** A body over SQS's size limit (`InvalidParameterValue` in AWS). Nothing of that send was queued. */
export class MessageTooLargeError extends Error {
  /** Its position in the bodies handed to `send`. */
  readonly index: number;
  readonly bytes: number;
  readonly limitBytes: number;
  constructor(queueName: string, index: number, bytes: number, limitBytes: number) {
    super(
      `${queueName}: message ${index} is ${bytes} bytes, more than the ${limitBytes} an SQS message holds`,
    );
    this.name = 'MessageTooLargeError';
    this.index = index;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/** A body SQS refuses (`InvalidMessageContents`): empty, or with characters outside its allowed set. */
export class InvalidMessageContentsError extends Error {
  readonly index: number;
  constructor(queueName: string, index: number, reason: string) {
    super(`${queueName}: message ${index} ${reason}`);
    this.name = 'InvalidMessageContentsError';
    this.index = index;
  }
}

/** The queue was closed: it takes no more messages and will not drain. */
export class QueueClosedError extends Error {
  constructor(queueName: string, what: string) {
    super(`${queueName}: ${what}: the queue is closed`);
    this.name = 'QueueClosedError';
  }
}

/**
 * The handler's partial batch response names a message that was not in the batch, or names none
 * properly; Lambda then counts the whole batch as failed.
 */
export class MalformedBatchResponseError extends Error {
  constructor(detail: string) {
    super(`malformed partial batch response: ${detail}; the whole batch counts as failed`);
    this.name = 'MalformedBatchResponseError';
  }
}
