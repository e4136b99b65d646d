import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { TRACKING_PATH, WEBHOOK_PATHS, type WebhookSource } from './routes.ts';
import { readLocalSettings, signingSecret } from './settings.ts';

export const SEND_USAGE = `usage: npm run send -- <wms|storefront|tracking> <file.json> [options]

Signs the file as a Standard Webhooks delivery with the source's secret (WMS_WEBHOOK_SECRET or
STOREFRONT_WEBHOOK_SECRET, the first of several; else the local default) and POSTs it to the stack.
\`tracking\` starts tracking a logistics order; it is signed as the storefront.

options:
  --url <base>              the HTTP API (default http://127.0.0.1:$PORT, PORT default 3000)
  --id <webhook-id>         the delivery id (default msg_ and a random suffix); reuse it to redeliver
  -h, --help                this text`;

/** Exit codes: 0 the stack answered 2xx, 1 it answered otherwise or could not be reached, 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface SendIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where a relative file name is read from. Default the working directory. */
  readonly cwd?: string;
}

/** A command line that cannot be run; the usage text follows the message. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** What can be sent: where it goes and whose secret signs it. */
const TARGETS = {
  wms: { path: WEBHOOK_PATHS.wms, source: 'wms' },
  storefront: { path: WEBHOOK_PATHS.storefront, source: 'storefront' },
  tracking: { path: TRACKING_PATH, source: 'storefront' },
} as const satisfies Record<string, { path: string; source: WebhookSource }>;
type Target = keyof typeof TARGETS;

interface SendArgs {
  readonly target: Target;
  readonly file: string;
  readonly url: string | undefined;
  readonly id: string | undefined;
}

/** `npm run send`: signs and posts one webhook delivery; resolves with the exit code. */
export async function runSend(argv: readonly string[], io: SendIo): Promise<number> {
  let args: SendArgs | 'help';
  try {
    args = parseSendArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${SEND_USAGE}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    io.out(SEND_USAGE);
    return EXIT.ok;
  }
  let body: string;
  let secret: string;
  let base: string;
  try {
    const settings = readLocalSettings(io.env);
    secret = signingSecret(settings.webhookSecrets[TARGETS[args.target].source]);
    base = args.url ?? `http://127.0.0.1:${settings.port}`;
    body = await readFile(resolve(io.cwd ?? process.cwd(), args.file), 'utf8');
  } catch (error) {
    io.err((error as Error).message);
    return EXIT.failed;
  }

  const url = `${base.replace(/\/+$/, '')}${TARGETS[args.target].path}`;
  const id = args.id ?? `msg_${randomBytes(16).toString('base64url')}`;
  const sentAt = new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, sentAt, body),
  };
  io.out(`POST ${url}`);
  io.out(`webhook-id: ${id}`);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    io.err(`cannot reach ${url}: ${cause?.message ?? (error as Error).message} (is npm start running?)`);
    return EXIT.failed;
  }
  for (const line of describeResponse(response, await response.text())) io.out(line);
  return response.ok ? EXIT.ok : EXIT.failed;
}

/** The answer's headers worth reading, in this order; `content-type` only when it is not plain JSON. */
const SHOWN_HEADERS = ['idempotent-replayed', 'location', 'retry-after', 'content-type'] as const;

/**
 * A blank line, the status line and the headers that matter (a replay, where to look the operation
 * up, when to retry, a problem's type), then a blank line and the body, JSON indented.
 */
function describeResponse(response: Response, body: string): string[] {
  const lines = ['', `${response.status} ${response.statusText}`];
  for (const name of SHOWN_HEADERS) {
    const value = response.headers.get(name);
    if (value === null || (name === 'content-type' && /^application\/json\b/i.test(value))) continue;
    lines.push(`${name}: ${value}`);
  }
  if (body !== '') lines.push('', pretty(body));
  return lines;
}

/** JSON indented by two spaces; anything else as it came. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function parseSendArgs(argv: readonly string[]): SendArgs | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [source, file, ...extra] = positionals;
  if (source === undefined || file === undefined) throw new UsageError('expected a source and a file');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (!isTarget(source))
    throw new UsageError(`unknown source ${source}: expected wms, storefront or tracking`);
  if (values.url !== undefined && !/^https?:$/.test(URL.parse(values.url)?.protocol ?? '')) {
    throw new UsageError(`--url ${values.url} is not an http(s) URL`);
  }
  if (values.id !== undefined && values.id.trim() === '') throw new UsageError('--id must not be empty');
  return {
    target: source,
    file,
    url: values.url,
    id: values.id,
  };
}

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      id: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

const isTarget = (value: string): value is Target => Object.hasOwn(TARGETS, value);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSend(process.argv.slice(2), { env: process.env, out: console.log, err: console.error }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(error);
      process.exitCode = EXIT.failed;
    },
  );
}
