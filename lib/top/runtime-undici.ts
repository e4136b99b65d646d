/**
 * The undici that Node itself runs `fetch` on. The functions use it instead of bundling the undici
 * package: the package's Pool and Agent weigh 290–540 KB minified, a third of a bundle, for the same
 * code the runtime already holds. Node exposes undici's classes only through its global dispatcher,
 * an Agent it installs when its undici loads; that Agent's class makes the pools here.
 */

/** What the transport needs of an undici dispatcher (an Agent or Pool of any undici since 6). */
export interface HttpDispatcher {
  dispatch(options: DispatchRequest, handler: object): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** One request, in the shape every undici's `dispatch` takes. */
export interface DispatchRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The options of an undici Agent this project sets (the same in undici 6, 7 and 8). */
export interface AgentOptions {
  readonly connections: number;
  readonly keepAliveTimeout: number;
  readonly keepAliveMaxTimeout: number;
  readonly keepAliveTimeoutThreshold: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly connect: { readonly timeout: number };
}

export type AgentClass = new (options: AgentOptions) => HttpDispatcher;

// Where every undici keeps the process's global dispatcher: version 2 since undici 7 (version 1
// holds an adapter for older handlers from undici 8 on), version 1 before.
const GLOBAL_DISPATCHERS = [Symbol.for('undici.globalDispatcher.2'), Symbol.for('undici.globalDispatcher.1')];

let agentClass: AgentClass | undefined;

/** The class of the runtime's undici Agent; throws at once where the runtime has none. */
export function runtimeAgentClass(): AgentClass {
  if (agentClass) return agentClass;
  // Node loads its undici on first use of a fetch global; loading it installs the global Agent.
  void globalThis.Headers;
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const dispatcher = GLOBAL_DISPATCHERS.map((key) => holder[key]).find(isDispatcher);
  if (!dispatcher) {
    throw new Error(`Node ${process.version} installed no undici global dispatcher to build pools from`);
  }
  agentClass = dispatcher.constructor as AgentClass;
  return agentClass;
}

function isDispatcher(value: unknown): value is HttpDispatcher {
  const candidate = value as Partial<HttpDispatcher> | undefined;
  return (
    typeof candidate?.dispatch === 'function' &&
    typeof candidate.close === 'function' &&
    typeof candidate.destroy === 'function'
  );
}

/**
 * Whether the runtime's undici takes the handler hooks undici 7 introduced (`onRequestStart`, …).
 * undici 6 (Node 20 and 22) knows only the older ones (`onConnect`, …); undici 8 only the newer.
 */
export const runtimeTakesNewHandlers = (version = process.versions.undici ?? '0'): boolean =>
  Number.parseInt(version, 10) >= 7;
