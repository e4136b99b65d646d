import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/;
// Everything the stack reads, so the parent's settings never leak into the child.
const STACK_VARIABLES =
  /^(PORT|DATA_DIR|TOP_.*|WMS_.*|STOREFRONT_.*|SCHEDULE_.*|RETRY_.*|REFRESH_.*|OPERATIONS_TABLE|DYNAMODB_ENDPOINT|PUBLIC_URL|SELLER.*|SECRETS_MANAGER_ENDPOINT|AE_.*)$/;

export interface StartLocalStackOptions {
  /** The stack's DATA_DIR; the caller creates and removes it. */
  readonly dataDir: string;
  /** Variables on top of a clean environment (PORT and TOP_SIM_PORT default to 0: free ports). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the `listening on` line. Default 20 s. */
  readonly timeoutMs?: number;
}

export interface LocalStackProcess {
  /** `http://127.0.0.1:<port>`, from the `listening on` line. */
  readonly url: string;
  readonly pid: number;
  /** Every line printed to stdout so far; it keeps growing while the stack runs. */
  readonly lines: readonly string[];
  /** Everything printed to stderr so far. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the process has exited and its output is drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs` (default 10 s); the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** `npm start` as a child process (`node --import tsx local/start.ts`), resolved once it listens. */
export async function startLocalStack(options: StartLocalStackOptions): Promise<LocalStackProcess> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !STACK_VARIABLES.test(name)),
  );
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts'],
    {
      cwd: ROOT,
      env: { ...env, PORT: '0', TOP_SIM_PORT: '0', DATA_DIR: options.dataDir, ...options.env },
    },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));

  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within ${timeoutMs} ms\n${lines.join('\n')}\n${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = LISTENING.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before listening\n${lines.join('\n')}\n${stderr}`));
    });
  });

  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    pid: child.pid ?? 0,
    lines,
    stderr: () => stderr,
    kill: (signal = 'SIGTERM') => {
      if (running()) child.kill(signal);
    },
    exited,
    stop: async (graceMs = 10_000) => {
      if (running()) child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
