import { dispatchPost } from './dispatch-post.ts';
import { type HttpDispatcher, runtimeAgentClass } from './runtime-undici.ts';

// How long undici keeps an idle connection when the server announces nothing.
const KEEP_ALIVE_MS = 30_000;
const KEEP_ALIVE_MAX_MS = 60_000;
// undici's own margin: a connection is dropped this long before the server's announced timeout.
const KEEP_ALIVE_MARGIN_MS = 1_000;

export interface FormPostResult {
  readonly status: number;
  readonly body: string;
}

/** One POST of a form body; `timeoutMs` bounds the whole exchange, body read included. */
export interface FormPost {
  readonly url: URL;
  readonly form: string;
  readonly timeoutMs: number;
  /** The caller's wall clock, in ms: what tells a pool it sat idle through a freeze. */
  readonly clock: () => number;
}

/** Where a client sends its form posts: a gateway's keep-alive pool, or a dispatcher a test hands in. */
export interface FormPoster {
  post(request: FormPost): Promise<FormPostResult>;
}

/**
 * A keep-alive pool for one gateway origin on the runtime's own undici (see `runtime-undici.ts`),
 * kept for the life of the container so warm invocations reuse the TLS connection.
 *
 * A Lambda container is frozen between invocations: no timer runs and no socket event is read, so
 * after minutes frozen the pool still holds connections the gateway has since closed, and a request
 * written to one is lost in a reset that cannot tell whether the gateway read it. So the pool is judged
 * by the wall clock before each request: once it has been idle longer than a connection may stay open
 * (the server's `Keep-Alive: timeout`, less undici's margin, or undici's own idle timeout), it is
 * replaced by a new one. No request is ever retried, so none can reach the gateway twice.
 */
export class GatewayPool implements FormPoster {
  readonly origin: string;
  #pool: HttpDispatcher | undefined;
  #inFlight = 0;
  #idleSince = 0;
  #idleLimitMs = KEEP_ALIVE_MS;
  // The header the limit was last learnt from: a gateway announces the same one on every answer.
  #learntFrom: string | undefined;

  constructor(origin: string) {
    this.origin = origin;
  }

  async post({ url, form, timeoutMs, clock }: FormPost): Promise<FormPostResult> {
    const pool = this.#current(clock());
    this.#inFlight += 1;
    try {
      const answer = await dispatchPost(pool, url, form, timeoutMs);
      this.#learnIdleLimit(answer.keepAlive);
      return { status: answer.status, body: answer.body };
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#idleSince = clock();
    }
  }

  /** Closes the pool; the next post opens a new one. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  #current(now: number): HttpDispatcher {
    if (this.#pool && this.#inFlight === 0 && now - this.#idleSince > this.#idleLimitMs) {
      // Idle connections only: nothing is in flight on this pool.
      void this.#pool.destroy().catch(() => {});
      this.#pool = undefined;
    }
    if (this.#pool) return this.#pool;
    // An Agent keeps one pool per origin; this one only ever sees `origin`.
    const Agent = runtimeAgentClass();
    this.#pool = new Agent({
      connections: 32,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MAX_MS,
      keepAliveTimeoutThreshold: KEEP_ALIVE_MARGIN_MS,
      // Backstops only: the caller's AbortSignal is the real deadline for connect, headers and body.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      connect: { timeout: 10_000 },
    });
    return this.#pool;
  }

  // `Keep-Alive: timeout=5` → connections live 4 s idle, as undici itself reckons it.
  #learnIdleLimit(header: string | undefined): void {
    if (header === this.#learntFrom) return;
    this.#learntFrom = header;
    const match = header ? /timeout=(\d+)/i.exec(header) : null;
    if (!match?.[1]) return;
    const announced = Math.min(Number(match[1]) * 1000, KEEP_ALIVE_MAX_MS);
    this.#idleLimitMs = Math.max(0, announced - KEEP_ALIVE_MARGIN_MS);
  }
}

const pools = new Map<string, GatewayPool>();

/** The container's pool for a gateway origin. */
export function gatewayPool(origin: string): GatewayPool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new GatewayPool(origin);
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

/** Posts through a dispatcher a test hands in, as is (no pool of ours around it). */
export function dispatcherPoster(dispatcher: HttpDispatcher): FormPoster {
  return {
    post: async ({ url, form, timeoutMs }) => {
      const { status, body } = await dispatchPost(dispatcher, url, form, timeoutMs);
      return { status, body };
    },
  };
}
