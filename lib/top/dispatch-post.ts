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
    let status = 0;
    let keepAlive: string | undefined;
    const chunks: Buffer[] = [];
    let abortRequest: ((reason: unknown) => void) | undefined;
    let settled = false;
    const settle = (error: unknown, answer?: PostAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(error);
    };
    // Made when the deadline passes, not before: an error's stack costs more than the rest of a call.
    let deadline: PostDeadlineError | undefined;
    const timer = setTimeout(() => {
      deadline = new PostDeadlineError(timeoutMs);
      abortRequest?.(deadline);
      settle(deadline);
    }, timeoutMs);
    const started = (abort: (reason: unknown) => void) => {
      abortRequest = abort;
      // The deadline passed while it waited for a connection: it is dropped before a byte is written.
      if (deadline) abort(deadline);
    };
    const ended = () =>
      settle(undefined, { status, keepAlive, body: Buffer.concat(chunks).toString('utf8') });

    const request = {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: FORM_HEADERS,
      body: form,
    } as const;
    const handler = newHandlers
      ? {
          onRequestStart: (controller: { abort(reason: unknown): void }) =>
            started((reason) => controller.abort(reason)),
          onResponseStart: (_: unknown, statusCode: number, headers: Record<string, string | string[]>) => {
            status = statusCode;
            keepAlive = first(headers['keep-alive']);
          },
          onResponseData: (_: unknown, chunk: Buffer) => {
            chunks.push(chunk);
          },
          onResponseEnd: ended,
          onResponseError: (_: unknown, error: Error) => settle(error),
        }
      : {
          onConnect: started,
          onHeaders: (statusCode: number, rawHeaders: Buffer[]) => {
            status = statusCode;
            keepAlive = rawHeader(rawHeaders, 'keep-alive');
            return true;
          },
          onData: (chunk: Buffer) => {
            chunks.push(chunk);
            return true;
          },
          onComplete: ended,
          onError: (error: Error) => settle(error),
        };
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      settle(error);
    }
  });
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

// undici 6 hands headers over raw: name, value, name, value…
function rawHeader(raw: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toString('latin1').toLowerCase() === name) return raw[i + 1]?.toString('latin1');
  }
  return undefined;
}
