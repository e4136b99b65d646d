import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const SECRET_USAGE = `usage: npm run secret -- [--for wms|storefront]

Prints a new Standard Webhooks secret, whsec_ and the base64 of 32 random bytes. Give it to the
sender (the WMS or the storefront) and put it where the functions read it:
  npm start   WMS_WEBHOOK_SECRET / STOREFRONT_WEBHOOK_SECRET (--for prints that line)
  AWS         the wms-webhook-secret / storefront-webhook-secret secret; during a rotation
              put "whsec_new whsec_old" (both verify), then the new one alone

options:
  --for <wms|storefront>    print the variable line to set instead of the bare secret
  -h, --help                this text`;

/** The key's size: HMAC-SHA256's output; Standard Webhooks asks for 24 to 64 bytes. */
export const SECRET_BYTES = 32;

/** Exit codes: 0 printed, 2 bad usage. */
export const EXIT = { ok: 0, usage: 2 } as const;

/** Each source's variable with `npm start` (in AWS: its secret, `top-webhooks/<stage>/<source>-webhook-secret`). */
export const SECRET_VARIABLES = {
  wms: 'WMS_WEBHOOK_SECRET',
  storefront: 'STOREFRONT_WEBHOOK_SECRET',
} as const;
type Source = keyof typeof SECRET_VARIABLES;

export interface SecretIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Default: the system's cryptographic generator. */
  readonly random?: (bytes: number) => Buffer;
}

/** A new `whsec_<base64>` secret of {@link SECRET_BYTES} random bytes. */
export const newWebhookSecret = (random: (bytes: number) => Buffer = randomBytes): string =>
  `whsec_${random(SECRET_BYTES).toString('base64')}`;

/** `npm run secret`: prints a new webhook secret, or the variable line to set; returns the exit code. */
export function runSecret(argv: readonly string[], io: SecretIo): number {
  let values: { for?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { for: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${SECRET_USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(SECRET_USAGE);
    return EXIT.ok;
  }
  const source = values.for;
  if (source !== undefined && !Object.hasOwn(SECRET_VARIABLES, source)) {
    io.err(`unknown source ${source}: expected wms or storefront\n\n${SECRET_USAGE}`);
    return EXIT.usage;
  }
  const secret = newWebhookSecret(io.random);
  io.out(source === undefined ? secret : `${SECRET_VARIABLES[source as Source]}=${secret}`);
  return EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runSecret(process.argv.slice(2), { out: console.log, err: console.error });
}
