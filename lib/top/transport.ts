import { type Dispatcher, Pool } from 'undici';

const pools = new Map<string, Pool>();

/**
 * One keep-alive pool per gateway origin for the life of the container, so warm invocations reuse
 * the TLS connection instead of paying a handshake per call.
 */
export function gatewayPool(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, {
      connections: 32,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      // Backstops only: the caller's AbortSignal is the real deadline for connect, headers and body.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      connect: { timeout: 10_000 },
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pool (tests and local shutdown); the next call opens a new one. */
export async function closeGatewayPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close());
  pools.clear();
  await Promise.allSettled(closing);
}

export interface FormPostResult {
  readonly status: number;
  readonly body: string;
}

/** POSTs a form body; the signal bounds the whole exchange, body read included. */
export async function postForm(
  dispatcher: Dispatcher,
  url: URL,
  form: string,
  signal: AbortSignal,
): Promise<FormPostResult> {
  const response = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    },
    body: form,
    signal,
  });
  const body = await response.body.text();
  // The pool marks a connection free again in a microtask queued after the body ends; one turn of
  // the event loop lets that land, so a call made right after this one reuses the connection.
  await new Promise((resolve) => setImmediate(resolve));
  return { status: response.statusCode, body };
}
