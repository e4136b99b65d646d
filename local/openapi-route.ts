import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Route } from './gateway/route.ts';

/** The committed OpenAPI document (`npm run openapi` writes it). */
export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/**
 * `GET /openapi.json` on the local HTTP API: the committed document, read once when the stack starts
 * (a document regenerated meanwhile is served after a restart). It names routes and schemas, nothing
 * of this machine's data, so any caller may read it.
 */
export async function openapiRoute(file = OPENAPI_FILE): Promise<Route> {
  const body = await readFile(file, 'utf8');
  // A broken file fails the start, not every request.
  JSON.parse(body);
  return {
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    handler: async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' },
      body,
    }),
  };
}
