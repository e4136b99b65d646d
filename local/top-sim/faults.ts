import * as z from 'zod';

const share = z.number().min(0).max(1);
const common = {
  /** Share of matching calls hit, 0..1 (default 1). */
  rate: share.optional(),
  /** Hit only the next N matching calls, then retire. */
  count: z.int().positive().optional(),
  /** Only these methods (default: all). */
  methods: z.array(z.string()).optional(),
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
  /** A platform fault: code 15 with an isp.* sub_code. */
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
  /** Any error_response, e.g. 27 Invalid Session or an isv.* refusal. */
  z.strictObject({
    type: z.literal('error'),
    code: z.int(),
    msg: z.string(),
    sub_code: z.string().optional(),
    sub_msg: z.string().optional(),
    ...common,
  }),
  /** At most `qps` calls a second; past it, code 7 and a ban of `ban_seconds` for every call. */
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
  #bannedUntil = 0;

  constructor(seed = 1) {
    this.#random = mulberry32(seed);
  }

  set(faults: readonly Fault[]): void {
    this.#active = faults.map((fault) => ({ fault, remaining: fault.count ?? Number.POSITIVE_INFINITY }));
    this.#windows.clear();
    this.#bannedUntil = 0;
  }

  list(): Fault[] {
    return this.#active.map(({ fault, remaining }) =>
      fault.count === undefined ? fault : { ...fault, count: remaining },
    );
  }

  /** The faults of this kind that hit a call of `method` now; `count` is spent only when one hits. */
  take<T extends Fault['type']>(type: T, method: string | undefined): Extract<Fault, { type: T }>[] {
    const hits: Extract<Fault, { type: T }>[] = [];
    for (const active of this.#active) {
      const { fault } = active;
      if (fault.type !== type || active.remaining <= 0) continue;
      if (fault.methods && (!method || !fault.methods.includes(method))) continue;
      if (fault.rate !== undefined && this.#random() >= fault.rate) continue;
      active.remaining -= 1;
      hits.push(fault as Extract<Fault, { type: T }>);
    }
    this.#active = this.#active.filter((a) => a.remaining > 0);
    return hits;
  }

  /** Seconds of ban left for a call at `now`, counting it against every rate limit; 0 = allowed. */
  rateLimitBan(method: string, now: number): number {
    if (now < this.#bannedUntil) return Math.ceil((this.#bannedUntil - now) / 1000);
    for (const active of this.#active) {
      const { fault } = active;
      if (fault.type !== 'rate_limit' || (fault.methods && !fault.methods.includes(method))) continue;
      const window = (this.#windows.get(active) ?? []).filter((t) => t > now - 1000);
      if (window.length >= fault.qps) {
        this.#bannedUntil = now + (fault.ban_seconds ?? 1) * 1000;
        this.#windows.set(active, window);
        return fault.ban_seconds ?? 1;
      }
      window.push(now);
      this.#windows.set(active, window);
    }
    return 0;
  }
}

/** A small seeded PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
