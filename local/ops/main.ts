import { pathToFileURL } from 'node:url';
import { OPS_USAGE, type OpsArgs, parseOpsArgs, UsageError } from './args.ts';
import { ApiError, opsClient, RequestError } from './client.ts';
import { runCommand } from './commands.ts';
import { errorAnswerLines } from './format.ts';
import type { CredentialSource } from './sign.ts';
import { StackLookupError } from './stack.ts';
import { resolveTarget, TargetError } from './target.ts';

/** Exit codes: 0 done, 1 an error answer (or none: unreachable, no credentials, no stack), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface OpsIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Default: the standard chain (`fromNodeProviderChain()`), read when a request is signed. */
  readonly credentials?: CredentialSource;
  /** Default: the clock. Anchors `--since 24h` and signs. */
  readonly now?: () => Date;
}

/** `npm run ops`: one command against the operator API; resolves with the exit code. */
export async function runOps(argv: readonly string[], io: OpsIo): Promise<number> {
  const now = io.now ?? (() => new Date());
  let args: OpsArgs | 'help';
  try {
    args = parseOpsArgs(argv, now());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${OPS_USAGE}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    io.out(OPS_USAGE);
    return EXIT.ok;
  }
  try {
    const target = await resolveTarget(args.target, { env: io.env, credentials: io.credentials, now });
    const client = opsClient({ base: target.base, signer: target.signer, fetch: io.fetch });
    await runCommand(args.command, { client, json: args.json, out: io.out, now });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ApiError) {
      for (const line of errorAnswerLines(error.status, error.statusText, error.body, error.message))
        io.err(line);
      return EXIT.failed;
    }
    if (error instanceof RequestError || error instanceof TargetError || error instanceof StackLookupError) {
      io.err(error.message);
      return EXIT.failed;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Piped into `head` and the like: once the reader has gone, the rest is not wanted.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  runOps(process.argv.slice(2), { env: process.env, out: console.log, err: console.error }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(error);
      process.exitCode = EXIT.failed;
    },
  );
}
