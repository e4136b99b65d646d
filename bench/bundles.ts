// `npm run bench -- bundles`: each function's bundle as a deploy uploads it, and how long Node takes
// to load it (the module-scope part of a cold start: config, clients), beside an empty Node start.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BUNDLE_LOAD_ENVIRONMENT, synthesizeBundles } from '#infra/function-bundles.ts';

const run = promisify(execFile);
const RUNS = 21;

const COLD_START_ENV = { PATH: process.env.PATH ?? '', ...BUNDLE_LOAD_ENVIRONMENT };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Wall time of a whole `node` process, and the time its `import()` of `file` took inside it. */
async function timeProcess(file: string | undefined): Promise<{ processMs: number; importMs: number }> {
  const script = file
    ? `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});
       process.stdout.write(String(performance.now() - t));`
    : 'process.stdout.write("0")';
  const start = performance.now();
  // As deployed: the functions run with --enable-source-maps (NODE_OPTIONS).
  const { stdout } = await run(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script],
    {
      env: COLD_START_ENV,
    },
  );
  return { processMs: performance.now() - start, importMs: Number(stdout) };
}

export async function bundleFigures(): Promise<void> {
  const outdir = await mkdtemp(join(tmpdir(), 'top-webhooks-bench-'));
  try {
    const started = performance.now();
    const bundles = await synthesizeBundles(outdir);
    console.log(
      `\nFunction bundles (cdk synth with esbuild: ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );

    const empty: number[] = [];
    for (let i = 0; i < RUNS; i++) empty.push((await timeProcess(undefined)).processMs);
    const emptyMs = median(empty);
    console.log(`  empty Node start: ${emptyMs.toFixed(0)} ms (median of ${RUNS})`);
    console.log(
      '  function             bundle    gzip   map   import (median)   process (median)   process − empty',
    );
    for (const bundle of bundles) {
      const gzip = gzipSync(await readFile(bundle.file)).length;
      const samples: { processMs: number; importMs: number }[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await timeProcess(bundle.file));
      const importMs = median(samples.map((s) => s.importMs));
      const processMs = median(samples.map((s) => s.processMs));
      console.log(
        `  ${bundle.service.padEnd(19)} ${kb(bundle.bytes)} ${kb(gzip)} ${kb(bundle.sourceMapBytes)}   ${importMs.toFixed(0).padStart(6)} ms         ${processMs.toFixed(0).padStart(6)} ms          ${(processMs - emptyMs).toFixed(0).padStart(5)} ms`,
      );
    }
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(5)} KB`;
