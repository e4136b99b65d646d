import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { renderOpenapi } from '#lib/http/contract/openapi.ts';
import { OPENAPI_FILE } from './openapi-route.ts';

/**
 * `npm run openapi`: writes `docs/openapi.json` from the contract's zod schemas, and says whether it
 * changed. A test fails while the committed file differs from what this writes.
 */
export async function writeOpenapi(file = OPENAPI_FILE): Promise<{ readonly changed: boolean }> {
  const text = renderOpenapi();
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before === text) return { changed: false };
  await writeFile(file, text);
  return { changed: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeOpenapi().then(
    ({ changed }) => console.log(`${OPENAPI_FILE} ${changed ? 'written' : 'unchanged'}`),
    (error: Error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
