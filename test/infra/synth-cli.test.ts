import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const outdirs: string[] = [];
afterAll(() => Promise.all(outdirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function synth(...args: string[]) {
  const outdir = await mkdtemp(join(tmpdir(), 'top-webhooks-synth-'));
  outdirs.push(outdir);
  // The pinned CLI, as `npm run synth` runs it: it must read what this aws-cdk-lib writes.
  const cli = join('node_modules', '.bin', 'cdk');
  const result = await run(cli, ['synth', '--quiet', '--output', outdir, ...args], {
    env: { ...process.env, CI: 'true' },
  }).then(
    (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: error.stdout + error.stderr,
    }),
  );
  return { ...result, outdir };
}

describe('npm run synth (the pinned aws-cdk CLI, offline)', () => {
  it('synthesizes the stage from context, bundled and checked by cdk-nag', async () => {
    const { code, output, outdir } = await synth('-c', 'stage=staging', '-c', 'sweepMinutes=2');
    expect(output).not.toMatch(/ERROR/);
    expect(code).toBe(0);
    const template = JSON.parse(await readFile(join(outdir, 'TopWebhooks-staging.template.json'), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
    const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  }, 180_000);

  it('refuses a bad context value, naming it', async () => {
    const { code, output } = await synth('-c', 'stage=Prod_1');
    expect(code).not.toBe(0);
    expect(output).toMatch(/stage must be lower-case/);
  }, 60_000);
});
