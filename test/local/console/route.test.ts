import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_STATUSES } from '#lib/operations/operation.ts';
import { consoleRoute } from '#local/console/route.ts';
import type { HttpHandler } from '#local/gateway/route.ts';
import { compileRoutes } from '#local/gateway/route.ts';
import { type LocalGateway, startLocalGateway } from '#local/gateway/server.ts';
import { localRoutes } from '#local/routes.ts';

let gateway: LocalGateway;
let response: Response;
let html: string;

beforeAll(async () => {
  gateway = await startLocalGateway({ routes: [consoleRoute] });
  response = await fetch(`${gateway.url}/`);
  html = await response.text();
});

afterAll(async () => {
  await gateway?.close();
});

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the console route', () => {
  it('serves one HTML page at GET /, to this machine only, never cached', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(consoleRoute).toMatchObject({ method: 'GET', path: '/', loopbackOnly: true });
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('allows its own inline script and style by their hashes, and requests to its origin only', () => {
    const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(script).toContain("api('GET', '/status')");
    const policy = Object.fromEntries(
      (response.headers.get('content-security-policy') ?? '').split('; ').map((directive) => {
        const [name, ...values] = directive.split(' ');
        return [name, values.join(' ')];
      }),
    );
    expect(policy).toEqual({
      'default-src': "'none'",
      'script-src': hash(script),
      'style-src': hash(style),
      'connect-src': "'self'",
      'img-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    // One script, one style, both inline; nothing loaded from elsewhere.
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/<link\b|\bsrc=|https?:\/\//);
    expect(html).not.toMatch(/<!--[A-Z_]+-->|CONSOLE_JS/);
  });

  it('offers every operation status, DEAD first (the default), and every flow', () => {
    const select = /<select id="ops-status"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    const statuses = [...select.matchAll(/<option value="([A-Z_]+)">/g)].map((match) => match[1]);
    expect(statuses[0]).toBe('DEAD');
    expect([...statuses].sort()).toEqual([...OPERATION_STATUSES].sort());
    expect(html).toContain('<option value="wms-delivery">wms-delivery</option>');
    expect(html).toContain('<option value="status=6">6 DELIVERED</option>');
  });

  it('sits beside the stack’s routes without a clash', () => {
    const handler: HttpHandler = async () => ({ statusCode: 204 });
    const functions = {
      wmsDelivery: handler,
      storefrontFulfill: handler,
      tracking: handler,
      operatorApi: handler,
      oauthCallback: handler,
    };
    expect(() => compileRoutes([...localRoutes(functions), consoleRoute])).not.toThrow();
  });
});
