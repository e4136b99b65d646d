import * as z from 'zod';
import { seededRandom } from '../seeded-random.ts';

/** The two gateways the simulator serves: TOP's `/router/rest` and AliExpress' IOP (`/sync`, `/rest/…`). */
export const PROTOCOLS = ['top', 'iop'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const share = z.number().min(0).max(1);
const common = {
  /** Share of matching calls hit, 0..1 (default 1). */
  rate: share.optional(),
  /** Hit only the next N matching calls, then retire. */
  count: z.int().positive().optional(),
  /** Only these methods (default: all); a `/rest` call's method is its path, e.g. `/auth/token/create`. */
  methods: z.array(z.string()).optional(),
  /** Only calls on these gateways (default: both). */
  protocols: z.array(z.enum(PROTOCOLS)).optional(),
};

/** A fault the simulator injects; set at start (TOP_SIM_FAULTS) or at run time (POST /_sim/faults). */
export const Fault = z.discriminatedUnion('type', [
  /** Wait before answering; `phase: 'body'` sends the headers first and stalls the body. */
  z.strictObject({
    type: z.literal('latency'),
    ms: z.int().min(0),
    phase: z.enum(['headers', 'body']).optional(),
    ...common,
  }),
  /** A platform fault: code 15 with an isp.* sub_code on TOP; type ISP, ServiceTimeout/ServiceUnavailable on IOP. */
  z.strictObject({
    type: z.literal('isp'),
    sub_code: z.string().startsWith('isp.').optional(),
    sub_msg: z.string().optional(),
    ...common,
  }),
  /** An HTTP error status from the gateway's front. */
  z.strictObject({ type: z.literal('http'), status: z.int().min(400).max(599).optional(), ...common }),
  /** The connection is reset without an answer. */
  z.strictObject({ type: z.literal('reset'), ...common }),
  /**
   * Any error_response, e.g. 27 Invalid Session or IOP's IllegalAccessToken; `code` is written as given.
   * `error_type` is IOP's `type` (default ISV), named apart from the fault's own `type`; TOP has none.
   */
  z.strictObject({
    type: z.literal('error'),
    code: z.union([z.int(), z.string().min(1)]),
    error_type: z.enum(['ISV', 'ISP', 'SYSTEM']).optional(),
    msg: z.string(),
    sub_code: z.string().optional(),
    sub_msg: z.string().optional(),
    ...common,
  }),
  /**
   * At most `qps` calls a second; past it, code 7 (IOP: ApiCallLimit) and a ban of `ban_seconds` for
   * every call on the gateways the fault covers.
   */
  z.strictObject({
    type: z.literal('rate_limit'),
    qps: z.int().positive(),
    ban_seconds: z.int().positive().optional(),
    ...common,
  }),
]);
export type Fault = z.infer<typeof Fault>;
export const FaultList = z.array(Fault);

interface ActiveFault {
  readonly fault: Fault;
  remaining: number;
}

/** Picks the faults that hit a call. Rates draw from a seeded generator, so a run can be replayed. */
export class Faults {
  #active: ActiveFault[] = [];
  #random: () => number;
  #windows = new Map<ActiveFault, number[]>();
  /** Per gateway: they are separate platforms, so a ban on one leaves the other alone. */
  #bannedUntil = new Map<Protocol, number>();

  constructor(seed = 1) {
    this.#random = seededRandom(seed);
  }

  set(faults: readonly Fault[]): void {
    this.#active = faults.map((fault) => ({ fault, remaining: fault.count ?? Number.POSITIVE_INFINITY }));
    this.#windows.clear();
    this.#bannedUntil.clear();
  }

  list(): Fault[] {
    return this.#active.map(({ fault, remaining }) =>
      fault.count === undefined ? fault : { ...fault, count: remaining },
    );
  }

  /**
   * The faults of this kind that hit a call of `method` now; `count` is spent only when one hits.
   * With `first`, the first hit alone (a call answers one error), so listed faults take turns.
   */
  take<T extends Fault['type']>(
    type: T,
    method: string | undefined,
    protocol: Protocol,
    first = false,
  ): Extract<Fault, { type: T }>[] {
    const hits: Extract<Fault, { type: T }>[] = [];
    for (const active of this.#active) {
      const { fault } = active;
      if (fault.type !== type || active.remaining <= 0 || !covers(fault, method, protocol)) continue;
      if (fault.rate !== undefined && this.#random() >= fault.rate) continue;
      active.remaining -= 1;
      hits.push(fault as Extract<Fault, { type: T }>);
      if (first) break;
    }
    this.#active = this.#active.filter((a) => a.remaining > 0);
    return hits;
  }

  /** Seconds of ban left for a call at `now`, counting it against every rate limit; 0 = allowed. */
  rateLimitBan(method: string, now: number, protocol: Protocol): number {
    const bannedUntil = this.#bannedUntil.get(protocol) ?? 0;
    if (now < bannedUntil) return Math.ceil((bannedUntil - now) / 1000);
    for (const active of this.#active) {
      const { fault } = active;
      if (fault.type !== 'rate_limit' || !covers(fault, method, protocol)) continue;
      const window = (this.#windows.get(active) ?? []).filter((t) => t > now - 1000);
      if (window.length >= fault.qps) {
        const until = now + (fault.ban_seconds ?? 1) * 1000;
        for (const banned of fault.protocols ?? PROTOCOLS) this.#bannedUntil.set(banned, until);
        this.#windows.set(active, window);
        return fault.ban_seconds ?? 1;
      }
      window.push(now);
      this.#windows.set(active, window);
    }
    return 0;
  }
}

const covers = (fault: Fault, method: string | undefined, protocol: Protocol): boolean =>
  (!fault.methods || (method !== undefined && fault.methods.includes(method))) &&
  (!fault.protocols || fault.protocols.includes(protocol));
