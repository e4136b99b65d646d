import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryLockedError, lockDirectory } from '#local/dir-lock.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 0;

describe('lockDirectory', () => {
  it('creates the directory, writes this process’s pid, and removes it on release', async () => {
    const target = join(dir, 'nested', 'dynamodb');

    const lock = await lockDirectory(target);
    expect(await readFile(join(target, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));

    await lock.release();
    expect(await readdir(target)).toEqual([]);
  });

  it('refuses a directory this process already holds', async () => {
    const lock = await lockDirectory(dir);

    await expect(lockDirectory(dir)).rejects.toThrow(DirectoryLockedError);
    await lock.release();
    await expect(lockDirectory(dir)).resolves.toBeDefined();
  });

  it('refuses a directory another live process holds, naming its pid', async () => {
    await writeFile(join(dir, 'local-stack.pid'), String(process.ppid));

    await expect(lockDirectory(dir)).rejects.toMatchObject({
      name: 'DirectoryLockedError',
      pid: process.ppid,
    });
  });

  it('takes over a lock left by a process that died', async () => {
    await writeFile(join(dir, 'local-stack.pid'), String(deadPid()));

    const lock = await lockDirectory(dir);

    expect(await readFile(join(dir, 'local-stack.pid'), 'utf8')).toBe(String(process.pid));
    await lock.release();
  });
});
