import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signingExample } from '#lib/http/contract/examples.ts';
import { ROUTES } from '#lib/http/contract/openapi.ts';
import { verifyWebhook } from '#lib/webhooks/verify.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs');

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? markdownFiles(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    ),
  );
  return nested.flat();
}

/** A heading's anchor, as GitHub makes it. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchorsOf = (text: string) =>
  new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1] as string)));

const EXPECTED_PAGES = [
  'README.md',
  'flows/wms-delivery.md',
  'flows/storefront-fulfill.md',
  'flows/tracking.md',
  'platforms.md',
  'logistics-order-statuses.md',
  'webhook-signing.md',
  'operator-api.md',
];

describe('docs/', () => {
  it('holds the index and a page per subject, each linked from the index', async () => {
    const pages = (await markdownFiles(DOCS)).map((file) => relative(DOCS, file)).sort();
    expect(pages).toEqual([...EXPECTED_PAGES].sort());
    const index = await readFile(join(DOCS, 'README.md'), 'utf8');
    for (const page of EXPECTED_PAGES.filter((page) => page !== 'README.md')) {
      expect(index).toContain(`](${page})`);
    }
  });

  it('links only inside the repository, to files and headings that exist', async () => {
    for (const file of await markdownFiles(DOCS)) {
      const text = await readFile(file, 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const where = `${relative(ROOT, file)} → ${target}`;
        expect(target, where).not.toMatch(/^[a-z]+:/i);
        const [path = '', anchor] = target.split('#');
        const linked = path === '' ? file : resolve(dirname(file), path);
        expect((await stat(linked).catch(() => undefined))?.isFile() ?? false, where).toBe(true);
        if (anchor) expect([...anchorsOf(await readFile(linked, 'utf8'))], where).toContain(anchor);
      }
    }
  });

  it('operator-api.md names every operator route of the document', async () => {
    const text = await readFile(join(DOCS, 'operator-api.md'), 'utf8');
    for (const route of ROUTES.filter((candidate) => candidate.auth === 'operator')) {
      expect(text).toContain(`${route.method} ${route.path}`);
    }
  });

  it('webhook-signing.md works through a signature that verifies', async () => {
    const text = await readFile(join(DOCS, 'webhook-signing.md'), 'utf8');
    const { secret, id, timestamp, body, signature } = signingExample;
    for (const value of [secret, id, timestamp, body, signature]) expect(text).toContain(value);
    const now = () => Number(timestamp) * 1000;
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    expect(verifyWebhook({ headers, rawBody: body, secrets: [secret], now })).toEqual({
      id,
      timestamp: Number(timestamp),
    });
  });
});
