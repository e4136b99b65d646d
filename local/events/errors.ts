/** A line of the event log file is not an event this log wrote; the file needs a look (or deleting). */
export class EventLogCorruptError extends Error {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  constructor(file: string, line: number, reason: string, options?: ErrorOptions) {
    super(`${file}:${line}: ${reason}`, options);
    this.name = 'EventLogCorruptError';
    this.file = file;
    this.line = line;
  }
}

/** The event log was closed: it takes no more events. */
export class EventLogClosedError extends Error {
  constructor() {
    super('the event log is closed');
    this.name = 'EventLogClosedError';
  }
}
