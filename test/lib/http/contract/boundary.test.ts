import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the HTTP contract and its OpenAPI generator (lib/http/contract/)', () => {
  it('are in no function bundle: only docs, tests and local tools load them', async () => {
    const functions = await readdir(`${ROOT}functions`, { withFileTypes: true });
    const entries = functions
      .filter((entry) => entry.isDirectory())
      .map((entry) => `functions/${entry.name}/index.ts`);
    expect(entries.length).toBeGreaterThan(0);
    const outputs = await inputsOf(entries);
    for (const [output, inputs] of outputs) {
      const contract = inputs.filter((input) => input.startsWith('lib/http/contract/'));
      expect(contract, output).toEqual([]);
      expect(
        inputs.some((input) => input.startsWith('lib/handlers/')),
        output,
      ).toBe(true);
    }
    // The check sees the contract where it is: `npm run openapi` loads it.
    const [[, writer = []] = []] = await inputsOf(['local/openapi.ts']);
    expect(writer).toContain('lib/http/contract/openapi.ts');
  });
});

/** The source files of this repository each entry point's bundle holds (packages left out: faster). */
async function inputsOf(entryPoints: readonly string[]): Promise<[string, string[]][]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [...entryPoints],
    packages: 'external',
    bundle: true,
    write: false,
    metafile: true,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return Object.entries(result.metafile.outputs).map(([output, { inputs }]) => [output, Object.keys(inputs)]);
}
