import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUNDLE_BUDGETS } from '#infra/bundle-budgets.ts';
import { BUNDLE_LOAD_ENVIRONMENT, type FunctionBundle, synthesizeBundles } from '#infra/function-bundles.ts';

const SERVICES = [
  'wms-delivery',
  'storefront-fulfill',
  'tracking',
  'operator-api',
  'retry-sweeper',
  'refresh-dispatcher',
  'refresh-worker',
  'oauth-callback',
  'token-renewal',
];

describe('the function bundles (esbuild through the CDK, no Docker)', () => {
  let outdir: string;
  let bundles: FunctionBundle[];

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'top-webhooks-bundles-'));
    // The CDK prints "Bundling asset …" for each function whatever the log level: expected, not shown.
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk, ...rest) =>
        String(chunk).startsWith('Bundling asset ') ? true : write(chunk, ...(rest as [])),
      );
    try {
      bundles = await synthesizeBundles(outdir);
    } finally {
      spy.mockRestore();
    }
  }, 120_000);
  afterAll(() => rm(outdir, { recursive: true, force: true }));

  it('are one ES module per function, each with its source map', () => {
    expect(bundles.map((b) => b.service).sort()).toEqual([...SERVICES].sort());
    for (const bundle of bundles) expect(bundle.sourceMapBytes).toBeGreaterThan(0);
  });

  it('has a byte budget for every function, and none for a function that is gone', () => {
    expect(Object.keys(BUNDLE_BUDGETS).sort()).toEqual([...SERVICES].sort());
  });

  it.each(SERVICES)('%s stays within its byte budget, minified, with the AWS SDK inside', async (service) => {
    const bundle = bundles.find((b) => b.service === service) as FunctionBundle;
    const budget = BUNDLE_BUDGETS[service] ?? 0;
    expect(
      bundle.bytes,
      `${service}: ${bundle.bytes} bytes, over its budget of ${budget} (infra/bundle-budgets.ts)`,
    ).toBeLessThanOrEqual(budget);
    const code = await readFile(bundle.file, 'utf8');
    // Minified: long lines, not one statement per line (template literals keep their line breaks).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  // What each function must not carry: another function's AWS clients and modules, and the undici
  // package (the functions post through the runtime's own undici).
  const FOREIGN: Record<string, readonly string[]> = {
    'wms-delivery': [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/sellers/',
      'lib/tracking/',
      'lib/handlers/operator',
      'lib/http/contract/',
      // A webhook calls its own TOP API only: the others' schemas cost time at every cold start.
      'lib/top/apis/fulfill-order',
      'lib/top/apis/query-logistics-order',
    ],
    'storefront-fulfill': [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/tracking/',
      'lib/handlers/operator',
      'lib/http/contract/',
      'lib/top/apis/send-delivery-order',
      'lib/top/apis/query-logistics-order',
    ],
    tracking: [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/sellers/',
      'lib/handlers/operator',
      'lib/http/contract/',
      // It names the platform and statuses of logistics orders, and never calls the API.
      'lib/top/apis/query-logistics-order',
    ],
    'operator-api': ['@aws-sdk/client-sqs', '@aws-sdk/client-eventbridge', 'lib/http/contract/'],
    'retry-sweeper': [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/tracking/',
      'lib/handlers/operator',
      'lib/http/contract/',
    ],
    'refresh-dispatcher': [
      '@aws-sdk/client-eventbridge',
      'lib/handlers/operator',
      'lib/http/contract/',
      'lib/top/apis/query-logistics-order',
    ],
    'refresh-worker': ['@aws-sdk/client-sqs', 'lib/handlers/operator', 'lib/http/contract/'],
    'oauth-callback': [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/tracking/',
      'lib/handlers/operator',
      'lib/http/contract/',
    ],
    'token-renewal': [
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-eventbridge',
      'lib/tracking/',
      'lib/handlers/operator',
      'lib/http/contract/',
    ],
  };

  it.each(SERVICES)(
    "%s bundles only what it runs: no other function's clients or modules, no undici package",
    async (service) => {
      const bundle = bundles.find((b) => b.service === service) as FunctionBundle;
      // The source map names every file the bundle took code from.
      const { sources } = JSON.parse(await readFile(`${bundle.file}.map`, 'utf8')) as { sources: string[] };
      const carried = (part: string) => sources.filter((source) => source.includes(part));
      for (const part of [...(FOREIGN[service] ?? []), 'node_modules/undici/']) {
        expect(carried(part), `${service} carries ${part}`).toEqual([]);
      }
      expect(carried('@aws-sdk/client-dynamodb').length).toBeGreaterThan(0);
    },
  );

  it.each(SERVICES)(
    '%s loads in plain Node with only its environment, and exports the handler',
    async (service) => {
      const bundle = bundles.find((b) => b.service === service) as FunctionBundle;
      const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});
      process.stdout.write(typeof m.handler);`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--enable-source-maps', '--input-type=module', '-e', script],
        { env: { PATH: process.env.PATH, ...BUNDLE_LOAD_ENVIRONMENT } },
      );
      expect(stdout).toBe('function');
    },
  );
});
