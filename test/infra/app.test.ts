import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** `infra/app.ts` as the cdk CLI runs it, given context the way the CLI passes it (CDK_CONTEXT_JSON). */
async function app(context: Record<string, unknown>) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CDK_')));
  return run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
    env: { ...env, CDK_CONTEXT_JSON: JSON.stringify(context) },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe('the CDK app (infra/app.ts)', () => {
  it('refuses bad context in one line on stderr naming each bad key, with no stack trace, and exits 1', async () => {
    const { code, stdout, stderr } = await app({ stage: 'Bad!', sweepMinutes: '0' });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'invalid CDK context: stage must be lower-case letters, digits and dashes, starting with a letter; sweepMinutes must be positive\n',
    );
  }, 60_000);
});
