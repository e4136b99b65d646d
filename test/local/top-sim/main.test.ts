import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import {
  CREATE,
  type Fields,
  FULFILL,
  grantFor,
  postSync,
  postTop,
  type RawAnswer,
  SEND,
  syncFields,
  topFields,
} from './iop-raw.ts';

const LISTENING = /^TOP simulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/router\/rest)$/;
// The last line of the banner.
const CONTROL = /^ {2}control {2}http:\/\/127\.0\.0\.1:\d+\/_sim\/\{ledger,faults,stats,state,tokens\}$/;
const IOP_LINE =
  /^ {2}iop {6}(http:\/\/127\.0\.0\.1:\d+) \(AliExpress: \/sync, \/rest\/auth\/token\/\{create,refresh\}, \/oauth\/authorize\)$/;
const START_TIMEOUT_MS = 15_000;

/** The environment of the child: ours without any TOP_* variable, so the defaults apply, then `extra`. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOP_')));
  return { ...env, TOP_SIM_PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/** Resolves with the lines printed up to and including the first matching `pattern`; bounded in time. */
function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number) {
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ match: RegExpExecArray; lines: string[] }>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; stdout: ${lines.join('\n')}; stderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`no line matching ${pattern} within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing ${pattern}`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = pattern.exec(line);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        // Keep draining stdout so the child never blocks on a full pipe.
        resolve({ match, lines });
      }
    });
  });
}

const children: ChildProcessWithoutNullStreams[] = [];

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    // SIGTERM first: tsx relays it to the simulator, where a SIGKILL of tsx would orphan it.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
});

/** `npm run top-sim [-- args]` as a child process, resolved once its banner is printed. */
async function startSimulator(env: NodeJS.ProcessEnv, args: readonly string[] = []) {
  const child = spawn('node_modules/.bin/tsx', ['local/top-sim/main.ts', ...args], { env });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const { lines } = await waitForLine(child, CONTROL, START_TIMEOUT_MS);
  const [, url, port] = lines.map((line) => LISTENING.exec(line)).find(Boolean) ?? [];
  const [, aeUrl] = lines.map((line) => IOP_LINE.exec(line)).find(Boolean) ?? [];
  return {
    child,
    lines,
    stderr: () => stderr,
    url: url ?? '',
    origin: new URL(url ?? 'http://unset').origin,
    aeUrl: aeUrl ?? '',
    port: Number(port),
  };
}

/** The fields as the simulator's default app sends them (sign with its secret). */
const asDefaultApp = (fields: Fields): Fields => ({ ...fields, app_key: SIM_DEFAULTS.appKey });
/** The inner response object of a success envelope. */
const success = (answer: RawAnswer, method: string) =>
  answer.json()[`${method.replaceAll('.', '_')}_response`] as Record<string, { [flag: string]: unknown }>;

/** SIGTERM; resolves with the exit code once stdout is drained, so `lines` then holds all it printed. */
async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = await closed;
  return code as number | null;
}

describe('npm run top-sim (local/top-sim/main.ts)', () => {
  it('starts on the given port, prints its URLs and credentials, answers signed calls on TOP and IOP, logs no param value, and stops on SIGTERM', async () => {
    const { child, lines, url, origin, aeUrl, port } = await startSimulator(childEnv());

    expect(port).toBeGreaterThan(0);
    expect(aeUrl).toBe(origin);
    expect(lines).toEqual(
      expect.arrayContaining([
        `  app key  TOP_APP_KEY=${SIM_DEFAULTS.appKey}`,
        `  secret   TOP_APP_SECRET=${SIM_DEFAULTS.appSecret}`,
        `  sessions TOP_SESSION=${SIM_DEFAULTS.session}`,
        '  tokens   access 2592000 s, refresh 5184000 s',
      ]),
    );
    const secret = { secret: SIM_DEFAULTS.appSecret };
    const session = SIM_DEFAULTS.session;
    const shipment = { service_name: 'EMS', out_ref: '6001', send_type: 'part', logistics_no: 'LA6CN' };
    const fulfilled = await postTop(origin, asDefaultApp(topFields(FULFILL, shipment, { session })), secret);
    const sent = await postTop(
      origin,
      asDefaultApp(topFields(SEND, { param: JSON.stringify({ ticket_id: 'T-6001', status: 'PACKAGING' }) })),
      secret,
    );
    const onIop = await postSync(aeUrl, asDefaultApp(syncFields(FULFILL, shipment, { session })), secret);

    expect(url).toBe(`${origin}/router/rest`);
    expect(success(fulfilled, FULFILL).result?.result_success).toBe(true);
    expect(success(sent, SEND).result?.success).toBe(true);
    expect(success(onIop, FULFILL).result?.result_success).toBe(true);

    expect(await stop(child)).toBe(0);
    const log = lines.filter((line) => line.startsWith('[top-sim] '));
    expect(log).toEqual([
      expect.stringMatching(/^\[top-sim\] aliexpress\.solution\.order\.fulfill ok \d+ms$/),
      expect.stringMatching(/^\[top-sim\] tmall\.ovs\.delivery\.order\.info\.send ok \d+ms$/),
      expect.stringMatching(/^\[top-sim\] iop aliexpress\.solution\.order\.fulfill ok \d+ms$/),
    ]);
  });

  it('prints neither the app secret nor the sessions when they come from the environment, and accepts them on both gateways', async () => {
    const user = {
      appSecret: 'user-app-secret-4f1c9e',
      sessions: ['user-session-a7d2', 'user-session-b9e3'],
    };
    const { child, lines, stderr, origin, aeUrl } = await startSimulator(
      childEnv({ TOP_APP_SECRET: user.appSecret, TOP_SESSION: user.sessions.join(',') }),
    );

    const session = user.sessions[1] ?? '';
    const shipment = { service_name: 'EMS', out_ref: '6002', send_type: 'part', logistics_no: 'LA6002CN' };
    const secret = { secret: user.appSecret };
    const onTop = await postTop(origin, asDefaultApp(topFields(FULFILL, shipment, { session })), secret);
    const onIop = await postSync(aeUrl, asDefaultApp(syncFields(FULFILL, shipment, { session })), secret);
    expect(success(onTop, FULFILL).result?.result_success).toBe(true);
    expect(success(onIop, FULFILL).result?.result_success).toBe(true);
    expect(await stop(child)).toBe(0);

    const output = `${lines.join('\n')}\n${stderr()}`;
    for (const value of [user.appSecret, ...user.sessions]) expect(output).not.toContain(value);
    expect(lines).toEqual(
      expect.arrayContaining([
        `  app key  TOP_APP_KEY=${SIM_DEFAULTS.appKey}`,
        '  secret   TOP_APP_SECRET from the environment (not shown)',
        '  sessions TOP_SESSION from the environment: 2 sessions (not shown)',
      ]),
    );
  });

  it('takes token lifetimes from --access-ttl and --refresh-ttl over the environment, and prints no token', async () => {
    const { child, lines, aeUrl } = await startSimulator(
      childEnv({ TOP_SIM_ACCESS_TTL_SECONDS: '999', TOP_SIM_IDLE_DROP_SECONDS: '120' }),
      ['--access-ttl', '40', '--refresh-ttl', '120'],
    );

    expect(lines).toContain('  tokens   access 40 s, refresh 120 s; idle connections reset after 120 s');
    const grant = await grantFor(aeUrl, Date.now(), undefined, {
      appKey: SIM_DEFAULTS.appKey,
      appSecret: SIM_DEFAULTS.appSecret,
    });
    expect(grant).toMatchObject({ expires_in: 40, refresh_expires_in: 120 });

    expect(await stop(child)).toBe(0);
    const output = lines.join('\n');
    for (const token of [grant.access_token, grant.refresh_token])
      expect(output).not.toContain(String(token));
    expect(lines.filter((line) => line.startsWith('[top-sim] '))).toEqual([
      '[top-sim] /oauth/authorize 302',
      expect.stringMatching(new RegExp(`^\\[top-sim\\] iop ${CREATE} ok \\d+ms$`)),
    ]);
  });

  it('exits 1 in one line naming TOP_SIM_PORT when its port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const child = spawn('node_modules/.bin/tsx', ['local/top-sim/main.ts'], {
        env: childEnv({ TOP_SIM_PORT: String(port) }),
      });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const [code] = await once(child, 'close');

      expect(code).toBe(1);
      expect(stderr).toBe(`port ${port} is in use: set TOP_SIM_PORT to another port (0 picks a free one)\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits 1 naming a bad flag', async () => {
    const child = spawn('node_modules/.bin/tsx', ['local/top-sim/main.ts', '--access-ttl', 'soon'], {
      env: childEnv(),
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'close');

    expect(code).toBe(1);
    expect(stderr).toContain('--access-ttl');
  });
});
