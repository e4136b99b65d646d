import { parseArgs } from 'node:util';
import * as z from 'zod';
import { FaultList } from './faults.ts';
import { DEFAULT_TOKEN_TTLS } from './tokens.ts';

/** Defaults for running on one machine; printed at start so a reader can sign requests by hand. */
export const SIM_DEFAULTS = {
  port: 4100,
  appKey: '12345678',
  appSecret: 'local-top-app-secret',
  session: 'local-seller-session',
} as const;

const Env = z.object({
  TOP_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(SIM_DEFAULTS.port),
  TOP_APP_KEY: z.string().min(1).default(SIM_DEFAULTS.appKey),
  TOP_APP_SECRET: z.string().min(1).default(SIM_DEFAULTS.appSecret),
  /** One session, or several separated by commas (one per seller). */
  TOP_SESSION: z.string().min(1).default(SIM_DEFAULTS.session),
  /** JSON list of faults to start with (see faults.ts). */
  TOP_SIM_FAULTS: z.string().optional(),
  TOP_SIM_STATUS_STEP_SECONDS: z.coerce.number().positive().default(60),
  TOP_SIM_SEED: z.coerce.number().int().default(1),
  TOP_SIM_ACCESS_TTL_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_TOKEN_TTLS.accessTtlMs / 1000),
  TOP_SIM_REFRESH_TTL_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_TOKEN_TTLS.refreshTtlMs / 1000),
  /** Unset: connections are never dropped for idling. */
  TOP_SIM_IDLE_DROP_SECONDS: z.coerce.number().positive().optional(),
});

export interface SimSettings {
  readonly port: number;
  readonly appKey: string;
  readonly appSecret: string;
  readonly sessions: string[];
  readonly faults: z.infer<typeof FaultList>;
  readonly statusStepMs: number;
  readonly seed: number;
  readonly accessTtlMs: number;
  readonly refreshTtlMs: number;
  readonly idleDropMs?: number;
}

/** Reads the simulator's environment; throws naming each bad variable. */
export function readSimSettings(env: NodeJS.ProcessEnv): SimSettings {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const bad = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid simulator environment: ${bad}`);
  }
  const e = parsed.data;
  let faults: z.infer<typeof FaultList> = [];
  if (e.TOP_SIM_FAULTS) {
    const list = FaultList.safeParse(safeJson(e.TOP_SIM_FAULTS));
    if (!list.success) throw new Error(`Invalid TOP_SIM_FAULTS: ${list.error.message}`);
    faults = list.data;
  }
  return {
    port: e.TOP_SIM_PORT,
    appKey: e.TOP_APP_KEY,
    appSecret: e.TOP_APP_SECRET,
    sessions: e.TOP_SESSION.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    faults,
    statusStepMs: e.TOP_SIM_STATUS_STEP_SECONDS * 1000,
    seed: e.TOP_SIM_SEED,
    accessTtlMs: Math.round(e.TOP_SIM_ACCESS_TTL_SECONDS * 1000),
    refreshTtlMs: Math.round(e.TOP_SIM_REFRESH_TTL_SECONDS * 1000),
    ...(e.TOP_SIM_IDLE_DROP_SECONDS !== undefined && {
      idleDropMs: Math.round(e.TOP_SIM_IDLE_DROP_SECONDS * 1000),
    }),
  };
}

/**
 * `npm run top-sim -- --access-ttl <seconds> --refresh-ttl <seconds>`: token lifetimes over the
 * environment's. Throws naming a bad or unknown flag.
 */
export function applySimFlags(settings: SimSettings, argv: readonly string[]): SimSettings {
  let values: { 'access-ttl'?: string; 'refresh-ttl'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'access-ttl': { type: 'string' }, 'refresh-ttl': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`Invalid simulator flags: ${(error as Error).message}`);
  }
  const ms = (flag: 'access-ttl' | 'refresh-ttl'): number | undefined => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const seconds = Number(text);
    if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
      throw new Error(`Invalid simulator flags: --${flag} takes a positive number of seconds, got "${text}"`);
    return Math.round(seconds * 1000);
  };
  const accessTtlMs = ms('access-ttl');
  const refreshTtlMs = ms('refresh-ttl');
  return {
    ...settings,
    ...(accessTtlMs !== undefined && { accessTtlMs }),
    ...(refreshTtlMs !== undefined && { refreshTtlMs }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
