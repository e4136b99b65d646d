import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'local-stack.pid';
// Locks this process holds: its own pid in a lock file is then no stale leftover.
const held = new Set<string>();

/** Another live process (or this one) already uses the directory. */
export class DirectoryLockedError extends Error {
  readonly dir: string;
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(`${dir} is in use by process ${pid} (is the local stack already running?)`);
    this.name = 'DirectoryLockedError';
    this.dir = dir;
    this.pid = pid;
  }
}

export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Claims `dir` (created if missing) for this process with a pid file. LevelDB's own lock only shows up
 * as a crash on the first request, so we check first; a file left by a process that died is taken over.
 */
export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  if (held.has(file)) throw new DirectoryLockedError(dir, process.pid);
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number((await readFile(file, 'utf8')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DirectoryLockedError(dir, owner);
    }
    await writeFile(file, String(process.pid));
  }
  held.add(file);
  return {
    release: async () => {
      if (!held.delete(file)) return;
      await unlink(file).catch(() => {});
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
