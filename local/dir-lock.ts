import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';

/** The LevelDB database whose own LOCK is the directory's lock. */
const LOCK_DB = 'local-stack.lock';
/** The holder's pid: only to name it in the error, it holds nothing. */
const PID_FILE = 'local-stack.pid';
// Locks this process holds: LevelDB refuses a second open here too, but with a vaguer error.
const held = new Set<string>();

/** Another live process (or this one) already uses the directory. */
export class DirectoryLockedError extends Error {
  readonly dir: string;
  /** The holder's pid as it wrote it, when it could be read. */
  readonly pid: number | undefined;
  constructor(dir: string, pid: number | undefined, options?: ErrorOptions) {
    const holder = pid === undefined ? 'another process' : `process ${pid}`;
    super(
      `${dir} is in use by ${holder} (is the local stack already running?): set DATA_DIR to another folder to run a second stack`,
      options,
    );
    this.name = 'DirectoryLockedError';
    this.dir = dir;
    this.pid = pid;
  }
}

export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Claims `dir` (created if missing) for this process, for as long as the lock is held. LevelDB's own
 * lock on the data only shows up as a crash on the first request, so we take one of our own first.
 */
export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, PID_FILE);
  // Claimed before the first await below, so two calls at once in this process cannot both pass.
  if (held.has(pidFile)) throw new DirectoryLockedError(dir, process.pid);
  held.add(pidFile);
  // An fcntl lock on the database's LOCK file: the kernel drops it when its holder's process exits,
  // even one its parent has not reaped yet (a zombie, for which `kill(pid, 0)` still succeeds).
  const db = new ClassicLevel(join(dir, LOCK_DB));
  try {
    await db.open();
  } catch (error) {
    held.delete(pidFile);
    if (!isLocked(error)) throw error;
    throw new DirectoryLockedError(dir, await readPid(pidFile), { cause: error });
  }
  try {
    await writeFile(pidFile, String(process.pid));
  } catch (error) {
    held.delete(pidFile);
    await db.close();
    throw error;
  }
  return {
    release: async () => {
      if (!held.delete(pidFile)) return;
      // The pid file first: once the database closes, the next holder may already have written its own.
      await unlink(pidFile).catch(() => {});
      await db.close();
    },
  };
}

/** abstract-level reports a held LOCK as LEVEL_DATABASE_NOT_OPEN, caused by LEVEL_LOCKED. */
function isLocked(error: unknown): boolean {
  const code = (value: unknown) => (value as { code?: unknown } | undefined)?.code;
  return (
    code(error) === 'LEVEL_LOCKED' ||
    code((error as { cause?: unknown } | undefined)?.cause) === 'LEVEL_LOCKED'
  );
}

/** The pid the holder wrote; undefined when it has not written it yet or it is unreadable. */
async function readPid(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
