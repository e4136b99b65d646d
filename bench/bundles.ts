// `npm run bench -- bundles` (P5): each function's bundle as a deploy uploads it, and how long Node
// takes to load it (the module-scope part of a cold start: config, clients), beside the bare handler
// of `bench/bare-handler/`, bundled by the same HouseFunction settings. The floor handler of
// `bench/floor-handler/` is printed beside them: what the ground rules alone (zod, Powertools) cost.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HouseFunction } from '#infra/constructs/house-function.ts';
import {
  BUNDLE_LOAD_ENVIRONMENT,
  type FunctionBundle,
  stagedBundle,
  synthesizeBundles,
} from '#infra/function-bundles.ts';
import { median } from './harness.ts';

const run = promisify(execFile);
const RUNS = 21;

const COLD_START_ENV = { PATH: process.env.PATH ?? '', ...BUNDLE_LOAD_ENVIRONMENT };

/** A bundle's size and load time, and both as multiples of the bare handler's. */
export interface BundleFigure {
  readonly service: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly importMs: number;
  readonly bytesRatio: number;
  readonly importRatio: number;
}

export interface BundleFigures {
  readonly bare: { readonly bytes: number; readonly importMs: number };
  /** The bare handler plus zod/mini and Powertools' Logger and Metrics, which the ground rules keep. */
  readonly floor: BundleFigure;
  readonly functions: readonly BundleFigure[];
}

/** The time a fresh `node` took to `import()` `file`, as the functions run (with source maps). */
async function importMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});
     process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script],
    { env: COLD_START_ENV },
  );
  return Number(stdout);
}

/** An anchor handler, synthesized as a function of its own with the house settings. */
async function synthesizeAnchor(outdir: string, name: string, entry: string): Promise<FunctionBundle> {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Anchor');
  const fn = new HouseFunction(stack, 'Anchor', {
    entry,
    description: 'an anchor of the bundle comparison',
    timeout: Duration.seconds(10),
    logRetention: RetentionDays.ONE_DAY,
  });
  app.synth();
  return stagedBundle(outdir, stack, name, fn);
}

export async function bundleFigures(): Promise<BundleFigures> {
  const outdir = await mkdtemp(join(tmpdir(), 'top-webhooks-bench-'));
  try {
    const started = performance.now();
    const functions = await synthesizeBundles(join(outdir, 'functions'));
    const bare = await synthesizeAnchor(join(outdir, 'bare'), 'bare handler', 'bench/bare-handler/index.ts');
    const floor = await synthesizeAnchor(
      join(outdir, 'floor'),
      'floor handler',
      'bench/floor-handler/index.ts',
    );
    console.log(
      `\nP5 · Function bundles beside the bare handler (cdk synth with esbuild: ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    // Taken in turns, so a busy moment of the machine weighs on every bundle alike.
    const all = [bare, floor, ...functions];
    const samples = all.map((): number[] => []);
    for (let i = 0; i < RUNS; i++) {
      for (const [index, bundle] of all.entries()) samples[index]?.push(await importMs(bundle.file));
    }
    const medians = samples.map(median);
    const bareMs = medians[0] ?? Number.NaN;
    console.log('  bundle               bytes      gzip    import (median of 21)   bytes ×   import ×');
    console.log(`  ${line(bare.service, bare.bytes, gzip(await readFile(bare.file)), bareMs)}`);
    const figure = (bundle: FunctionBundle, ms: number, code: Buffer): BundleFigure => ({
      service: bundle.service,
      bytes: bundle.bytes,
      gzipBytes: gzip(code),
      importMs: ms,
      bytesRatio: bundle.bytes / bare.bytes,
      importRatio: ms / bareMs,
    });
    const print = (each: BundleFigure) =>
      console.log(
        `  ${line(each.service, each.bytes, each.gzipBytes, each.importMs)}   ${each.bytesRatio.toFixed(2).padStart(6)}   ${each.importRatio.toFixed(2).padStart(7)}`,
      );
    const floorFigure = figure(floor, medians[1] ?? Number.NaN, await readFile(floor.file));
    print(floorFigure);
    const figures: BundleFigure[] = [];
    for (const [index, bundle] of functions.entries()) {
      const each = figure(bundle, medians[index + 2] ?? Number.NaN, await readFile(bundle.file));
      figures.push(each);
      print(each);
    }
    return { bare: { bytes: bare.bytes, importMs: bareMs }, floor: floorFigure, functions: figures };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const gzip = (code: Buffer) => gzipSync(code).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(5)} KB`;
const line = (name: string, bytes: number, gzipBytes: number, ms: number) =>
  `${name.padEnd(19)} ${kb(bytes)}  ${kb(gzipBytes)}   ${ms.toFixed(1).padStart(8)} ms          `;
