import { type HttpDispatcher, runtimeTakesNewHandlers } from './runtime-undici.ts';

/** An answer as the transport keeps it: the status, the body, and how long the server keeps idle connections. */
export interface PostAnswer {
  readonly status: number;
  readonly body: string;
  /** The `Keep-Alive` header, when the server sent one. */
  readonly keepAlive: string | undefined;
}

const RUNTIME_TAKES_NEW_HANDLERS = runtimeTakesNewHandlers();

const FORM_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  accept: 'application/json',
};

/** The deadline of a post passed before its answer was read whole. */
export class PostDeadlineError extends Error {
  override readonly name = 'PostDeadlineError';
  constructor(readonly timeoutMs: number) {
    super(`no whole answer within ${timeoutMs} ms`);
  }
}

/**
 * Posts `form` to `url` through `dispatcher` and reads the whole answer. `timeoutMs` bounds the
 * exchange, body included: once it passes the promise rejects with a {@link PostDeadlineError},
 * and a request not yet written to a connection never is.
 *
 * The answer is handed over one turn of the event loop after its body ended: the pool marks the
 * connection free again in an immediate it queues once this handler returns, so a call made right
 * after this one reuses the connection instead of opening another.
 *
 * This is `dispatch` with the smallest handler, not undici's `request`: the runtime's undici has no
 * `request`, and a handler costs no more CPU per call than it (fetch costs about eight times as much).
 * The deadline is one timer, not an `AbortSignal.timeout`, which costs a sixth of a call's CPU.
 */
export function dispatchPost(
  dispatcher: HttpDispatcher,
  url: URL,
  form: string,
  timeoutMs: number,
  newHandlers = RUNTIME_TAKES_NEW_HANDLERS,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const handler = newHandlers
      ? new NewerHooks(resolve, reject, timeoutMs)
      : new OlderHooks(resolve, reject, timeoutMs);
    const request = {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: FORM_HEADERS,
      body: form,
    } as const;
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      handler.failed(error);
    }
  });
}

/**
 * One post in flight: what its handler has read so far, and how it ends. One object per post, its
 * hooks on the prototype, rather than a closure per hook.
 */
abstract class PostInFlight {
  protected status = 0;
  protected keepAlive: string | undefined;
  protected readonly chunks: Buffer[] = [];
  #settled = false;
  #abortRequest: ((reason: unknown) => void) | undefined;
  // Made when the deadline passes, not before: an error's stack costs more than the rest of a call.
  #deadline: PostDeadlineError | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (answer: PostAnswer) => void,
    private readonly reject: (error: unknown) => void,
    timeoutMs: number,
  ) {
    this.#timer = setTimeout(() => {
      this.#deadline = new PostDeadlineError(timeoutMs);
      this.#abortRequest?.(this.#deadline);
      this.failed(this.#deadline);
    }, timeoutMs);
  }

  protected started(abort: (reason: unknown) => void): void {
    this.#abortRequest = abort;
    // The deadline passed while it waited for a connection: it is dropped before a byte is written.
    if (this.#deadline) abort(this.#deadline);
  }

  protected ended(): void {
    if (this.#settle()) {
      const answer: PostAnswer = { status: this.status, keepAlive: this.keepAlive, body: text(this.chunks) };
      // Queued after the pool's immediate, which it queues once the handler returns.
      queueMicrotask(() => setImmediate(this.resolve, answer));
    }
  }

  failed(error: unknown): void {
    if (this.#settle()) this.reject(error);
  }

  /** Whether this is the first end of the post (an answer, an error or the deadline). */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    return true;
  }
}

/** The hooks of undici 6 (Node 20 and 22): raw headers, `true` to keep reading. */
class OlderHooks extends PostInFlight {
  onConnect(abort: (reason: unknown) => void): void {
    this.started(abort);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    this.keepAlive = rawHeader(rawHeaders, 'keep-alive');
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.ended();
  }

  onError(error: Error): void {
    this.failed(error);
  }
}

/** The hooks undici 7 introduced, and undici 8 (Node 24) alone takes. */
class NewerHooks extends PostInFlight {
  onRequestStart(controller: { abort(reason: unknown): void }): void {
    this.started((reason) => controller.abort(reason));
  }

  onResponseStart(_: unknown, statusCode: number, headers: Record<string, string | string[]>): void {
    this.status = statusCode;
    this.keepAlive = first(headers['keep-alive']);
  }

  onResponseData(_: unknown, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.ended();
  }

  onResponseError(_: unknown, error: Error): void {
    this.failed(error);
  }
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

// A small answer comes in one chunk, read as it is rather than copied into a new buffer first (a
// character split across chunks needs the copy).
const text = (chunks: readonly Buffer[]): string =>
  chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');

// undici 6 hands headers over raw: name, value, name, value… `name` is lower-case ASCII.
function rawHeader(raw: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (isNamed(raw[i], name)) return raw[i + 1]?.toString('latin1');
  }
  return undefined;
}

// Compared byte by byte, ASCII letters in either case, rather than made into text first: only an
// ASCII letter lowers to one.
function isNamed(header: Buffer | undefined, name: string): boolean {
  if (header?.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const byte = header[i] as number;
    const lowered = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
    if (lowered !== name.charCodeAt(i)) return false;
  }
  return true;
}
