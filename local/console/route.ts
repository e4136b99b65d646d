import type { HttpHandler, Route } from '../gateway/route.ts';
import { type ConsolePage, renderConsolePage } from './page.ts';

let page: ConsolePage | undefined;

/** `GET /`: the console page, which calls the operator API on the same origin. */
export const consoleHandler: HttpHandler = async () => {
  page ??= renderConsolePage();
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.contentSecurityPolicy,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body: page.html,
  };
};

/**
 * The local console at `/`: one page over the operator API (operations and their replay, tracked
 * orders, the ban and counts, sellers). This machine only, as the operator API it calls.
 */
export const consoleRoute: Route = {
  name: 'console',
  method: 'GET',
  path: '/',
  handler: consoleHandler,
  loopbackOnly: true,
};
