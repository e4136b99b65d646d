import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DirectoryLockedError, lockDirectory } from '#local/dir-lock.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Takes the lock on the directory given as its argument, says so with its pid, and waits.
const HOLDER = [
  "import { lockDirectory } from '#local/dir-lock.ts';",
  'await lockDirectory(process.argv[1]);',
  "console.log('held', process.pid);",
  'setInterval(() => {}, 60_000);',
].join(' ');
const HOLDER_ARGS = ['--import', 'tsx', '--input-type=module', '-e', HOLDER];

let dir: string;
const spawned: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-lock-'));
});

afterEach(async () => {
  for (const child of spawned.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 0;

/** Runs `command`, which starts a holder of `dir`; resolves with the holder's pid once it holds the lock. */
async function startHolder(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { cwd: ROOT });
  spawned.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<number>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`holder exited (${code ?? signal}): ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const pid = /^held (\d+)$/.exec(line)?.[1];
      if (pid) resolve(Number(pid));
    });
  });
}

/** The state letter of a process (R, S, Z, …) and its threads, from /proc. */
async function processState(pid: number): Promise<{ state: string | undefined; threads: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces: the state is the first field after it.
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return { state, threads: (await readdir(`/proc/${pid}/task`)).length };
}

describe('lockDirectory', () => {
  it('creates the directory, writes this process’s pid, and removes the pid on release', async () => {
    const target = join(dir, 'nested', 'dynamodb');

    const lock = await lockDirectory(target);
    expect(await readFile(join(target, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));

    await lock.release();
    expect(await readdir(target)).not.toContain('local-stack.pid');
    await (await lockDirectory(target)).release();
  });

  it('refuses a directory this process already holds', async () => {
    const lock = await lockDirectory(dir);

    await expect(lockDirectory(dir)).rejects.toThrow(DirectoryLockedError);
    await lock.release();
    await expect(lockDirectory(dir)).resolves.toBeDefined();
  });

  it('refuses a directory another live process holds, naming its pid', async () => {
    const holder = await startHolder(process.execPath, [...HOLDER_ARGS, dir]);

    await expect(lockDirectory(dir)).rejects.toMatchObject({
      name: 'DirectoryLockedError',
      pid: holder,
      message: `${dir} is in use by process ${holder} (is the local stack already running?): set DATA_DIR to another folder to run a second stack`,
    });
  });

  it('takes over a directory whose pid file names a process that died', async () => {
    await writeFile(join(dir, 'local-stack.pid'), String(deadPid()));

    const lock = await lockDirectory(dir);

    expect(await readFile(join(dir, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));
    await lock.release();
  });

  it('takes over a directory whose pid file names a live process that holds no lock', async () => {
    await writeFile(join(dir, 'local-stack.pid'), String(process.ppid));

    const lock = await lockDirectory(dir);

    expect(await readFile(join(dir, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));
    await lock.release();
  });

  // Restarting right after a SIGKILL: the killed stack may not be reaped yet, and a zombie holds nothing.
  it.skipIf(process.platform !== 'linux')(
    'takes over a directory whose holder was killed and is a zombie not reaped yet',
    async () => {
      const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
      const holderCommand = [process.execPath, ...HOLDER_ARGS, dir].map(quote).join(' ');
      // The holder becomes a child of `sleep`, which never waits for it: once killed it stays a zombie.
      const holder = await startHolder('sh', ['-c', `${holderCommand} & exec sleep 60`]);

      process.kill(holder, 'SIGKILL');
      // A killed process's main thread shows Z while its other threads are still exiting: wait for them.
      await vi.waitFor(async () => expect(await processState(holder)).toEqual({ state: 'Z', threads: 1 }), {
        timeout: 5_000,
      });

      const lock = await lockDirectory(dir);

      expect(await readFile(join(dir, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));
      await lock.release();
    },
  );
});
