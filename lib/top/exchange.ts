import { PostDeadlineError } from './dispatch-post.ts';
import { TopTimeoutError, TopTransportError } from './errors.ts';
import type { FormPoster } from './transport.ts';

// Failures of the connection itself: nothing of the request can have reached the platform.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** One call's request, signed and ready to send, and how to read its answer. */
export interface PreparedCall {
  /** The API's name or path, for errors. */
  readonly label: string;
  readonly url: URL;
  readonly form: string;
  readonly poster: FormPoster;
  readonly read: (body: string) => Record<string, unknown>;
}

/**
 * Sends one prepared call within `remainingMs` and reads its answer. Every failure is a `TopError`
 * that says whether the request may have reached the platform (`mayHaveTakenEffect`).
 */
export async function exchange(
  call: PreparedCall,
  remainingMs: number,
  clock: () => number,
): Promise<Record<string, unknown>> {
  const method = call.label;
  if (remainingMs <= 0)
    throw new TopTimeoutError(`${method}: deadline passed before sending`, { method, sent: false });
  const timeoutMs = Math.ceil(remainingMs);
  let result: Awaited<ReturnType<FormPoster['post']>>;
  try {
    result = await call.poster.post({ url: call.url, form: call.form, timeoutMs, clock });
  } catch (cause) {
    if (cause instanceof PostDeadlineError) {
      throw new TopTimeoutError(`${method} did not answer within ${timeoutMs} ms`, {
        method,
        cause,
      });
    }
    const code = (cause as { code?: string }).code ?? (cause as Error).name;
    throw new TopTransportError(`${method} could not be reached (${code})`, {
      method,
      cause,
      sent: !NOT_SENT_CODES.has(code),
    });
  }
  if (result.status < 200 || result.status > 299) {
    throw new TopTransportError(`${method} answered HTTP ${result.status}`, {
      method,
      status: result.status,
      // A 5xx from the gateway's front may come after the router took the call; a 4xx does not.
      sent: result.status >= 500,
    });
  }
  return call.read(result.body);
}
