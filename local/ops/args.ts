import { parseArgs } from 'node:util';
import { FLOWS, OPERATION_STATUSES, type OperationStatus } from '#lib/operations/operation.ts';

export const OPS_USAGE = `usage: npm run ops -- <command> [options]

The operator API, for people (tables) and scripts (--json).

commands:
  list --status <S> [--flow f] [--since t] [--until t] [--limit n] [--cursor c] [--all]
                            operations in status S, newest first (--all: every page, --limit
                            items each)
  replay --status <DEAD|FAILED> [--flow f] [--since t] [--until t] [--limit n]
                            replays the matching operations (at most 100 a call)
  replay <operation_id>     replays one DEAD or FAILED operation
  show <operation_id>       one operation
  orders [--status s] [--parked] [--limit n] [--cursor c] [--all]
                            tracked logistics orders
  untrack <logistics_order_id>
                            stops tracking a logistics order
  status                    the rate-limit ban, operations per status, parked sellers and orders
  sellers                   sellers who authorized the app

  t: a duration before now (30s, 15m, 24h, 7d) or an ISO 8601 time. Times in tables are UTC.

target (default: the local stack, http://127.0.0.1:$PORT, PORT default 3000; not signed):
  --url <base>              the HTTP API at this URL; signed when its host is an execute-api one
  --stack <name>            the API of this CloudFormation stack (output ApiUrl), signed
  --sign                    sign with SigV4 whatever the URL (AWS credentials: the standard chain)
  --region <region>         the signing region (default: from the URL's host, else AWS_REGION or the profile's)

options:
  --json                    the API's JSON answers as they are (--all: one document with every item)
  -h, --help                this text

exit codes: 0 done, 1 the API answered an error (or could not be reached), 2 bad usage`;

/** A command line that cannot be run; the usage text follows the message. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The statuses the bulk replay takes. */
export const REPLAYABLE = ['DEAD', 'FAILED'] as const;
/** The bulk replay's cap per call. */
export const BULK_REPLAY_MAX = 100;

/** Which operations: the filters of `GET /operations` and of the bulk replay. */
export interface OperationFilter {
  readonly status: OperationStatus;
  readonly flow?: string | undefined;
  /** ISO 8601. */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit?: number | undefined;
}

export type OpsCommand =
  | ({ readonly name: 'list'; readonly cursor?: string | undefined; readonly all: boolean } & OperationFilter)
  | ({ readonly name: 'replay-bulk' } & OperationFilter)
  | { readonly name: 'replay' | 'show'; readonly operationId: string }
  | {
      readonly name: 'orders';
      readonly status?: string | undefined;
      readonly parked: boolean;
      readonly limit?: number | undefined;
      readonly cursor?: string | undefined;
      readonly all: boolean;
    }
  | { readonly name: 'untrack'; readonly logisticsOrderId: string }
  | { readonly name: 'status' | 'sellers' };

/** Where the requests go; resolved by `target.ts`. */
export interface TargetArgs {
  readonly url?: string | undefined;
  readonly stack?: string | undefined;
  readonly sign: boolean;
  readonly region?: string | undefined;
}

export interface OpsArgs {
  readonly command: OpsCommand;
  readonly json: boolean;
  readonly target: TargetArgs;
}

const OPTIONS = {
  status: { type: 'string' },
  flow: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
  parked: { type: 'boolean' },
  json: { type: 'boolean' },
  url: { type: 'string' },
  stack: { type: 'string' },
  sign: { type: 'boolean' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;

/** Options every command takes. */
const COMMON: readonly OptionName[] = ['json', 'url', 'stack', 'sign', 'region', 'help'];
const FILTER: readonly OptionName[] = ['status', 'flow', 'since', 'until', 'limit'];
/** The options of each command besides the common ones, and how many positionals it takes. */
const COMMANDS = {
  list: { options: [...FILTER, 'cursor', 'all'], positionals: 0 },
  replay: { options: FILTER, positionals: 'optional id' },
  show: { options: [], positionals: 1 },
  orders: { options: ['status', 'parked', 'limit', 'cursor', 'all'], positionals: 0 },
  untrack: { options: [], positionals: 1 },
  status: { options: [], positionals: 0 },
  sellers: { options: [], positionals: 0 },
} as const satisfies Record<string, { options: readonly OptionName[]; positionals: 0 | 1 | 'optional id' }>;
type CommandName = keyof typeof COMMANDS;
const isCommand = (value: string): value is CommandName => Object.hasOwn(COMMANDS, value);

type Values = ReturnType<typeof parse>['values'];

/** Reads the command line; `now` anchors durations such as `--since 24h`. Throws {@link UsageError}. */
export function parseOpsArgs(argv: readonly string[], now: Date): OpsArgs | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...rest] = positionals;
  if (name === undefined) throw new UsageError('expected a command');
  if (!isCommand(name)) throw new UsageError(`unknown command ${name}`);
  const spec = COMMANDS[name];
  const allowed = new Set<OptionName>([...COMMON, ...spec.options]);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!allowed.has(option)) throw new UsageError(`--${option} does not apply to ${name}`);
  }
  const maxPositionals = spec.positionals === 0 ? 0 : 1;
  if (rest.length > maxPositionals) throw new UsageError(`unexpected argument ${rest[maxPositionals]}`);
  if (spec.positionals === 1 && rest[0] === undefined) throw new UsageError(`${name} needs an id`);

  return {
    command: commandOf(name, rest[0], values, now),
    json: values.json ?? false,
    target: target(values),
  };
}

function commandOf(name: CommandName, id: string | undefined, values: Values, now: Date): OpsCommand {
  switch (name) {
    case 'list':
      return {
        name,
        ...operationFilter(values, now),
        cursor: nonEmpty('cursor', values.cursor),
        all: values.all ?? false,
      };
    case 'replay': {
      const filtered = FILTER.some((option) => values[option] !== undefined);
      if (id !== undefined && filtered)
        throw new UsageError('replay takes an operation id or filters (--status …), not both');
      if (id !== undefined) return { name, operationId: nonEmpty('operation id', id) as string };
      if (!filtered) throw new UsageError('replay needs an operation id or --status DEAD|FAILED');
      const filter = operationFilter(values, now);
      if (!(REPLAYABLE as readonly string[]).includes(filter.status))
        throw new UsageError(`replay --status must be ${REPLAYABLE.join(' or ')}, not ${filter.status}`);
      if (filter.limit !== undefined && filter.limit > BULK_REPLAY_MAX)
        throw new UsageError(`replay --limit is at most ${BULK_REPLAY_MAX}`);
      return { name: 'replay-bulk', ...filter };
    }
    case 'show':
      return { name, operationId: nonEmpty('operation id', id) as string };
    case 'untrack':
      return { name, logisticsOrderId: nonEmpty('logistics order id', id) as string };
    case 'orders':
      return {
        name,
        status: nonEmpty('--status', values.status),
        parked: values.parked ?? false,
        limit: limit(values.limit),
        cursor: nonEmpty('--cursor', values.cursor),
        all: values.all ?? false,
      };
    case 'status':
    case 'sellers':
      return { name };
  }
}

function operationFilter(values: Values, now: Date): OperationFilter {
  if (values.status === undefined) throw new UsageError('--status is required');
  const status = values.status.toUpperCase();
  if (!(OPERATION_STATUSES as readonly string[]).includes(status))
    throw new UsageError(`--status ${values.status}: expected one of ${OPERATION_STATUSES.join(', ')}`);
  if (values.flow !== undefined && !(FLOWS as readonly string[]).includes(values.flow))
    throw new UsageError(`--flow ${values.flow}: expected one of ${FLOWS.join(', ')}`);
  const since = values.since === undefined ? undefined : parseTime('--since', values.since, now);
  const until = values.until === undefined ? undefined : parseTime('--until', values.until, now);
  if (since !== undefined && until !== undefined && since > until)
    throw new UsageError(`--since ${values.since} is after --until ${values.until}`);
  return { status: status as OperationStatus, flow: values.flow, since, until, limit: limit(values.limit) };
}

function target(values: Values): TargetArgs {
  if (values.url !== undefined && values.stack !== undefined)
    throw new UsageError('--url and --stack go alone: give one of them');
  if (values.url !== undefined && !/^https?:$/.test(URL.parse(values.url)?.protocol ?? ''))
    throw new UsageError(`--url ${values.url} is not an http(s) URL`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region))
    throw new UsageError(`--region ${values.region} is not a region name (e.g. eu-west-1)`);
  return {
    url: values.url,
    stack: nonEmpty('--stack', values.stack),
    sign: values.sign ?? false,
    region: values.region,
  };
}

const DURATION = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// A date, optionally with a time and zone: what people type for "since".
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `24h`, `15m`, `30s`, `7d` → that long before `now`; an ISO 8601 time as it is (a date alone is
 * midnight UTC). Both come back as ISO 8601 in UTC with milliseconds, as the API writes times.
 */
export function parseTime(option: string, value: string, now: Date): string {
  const duration = DURATION.exec(value);
  if (duration) {
    const [, amount, unit] = duration as unknown as [string, string, keyof typeof UNIT_MS];
    return new Date(now.getTime() - Number(amount) * UNIT_MS[unit]).toISOString();
  }
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(`${option} ${value}: expected a duration (30s, 15m, 24h, 7d) or an ISO 8601 time`);
  return new Date(ms).toISOString();
}

function limit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--limit ${value}: expected a whole number from 1`);
  return Number(value);
}

function nonEmpty(what: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${what} must not be empty`);
  return value;
}

const parse = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
