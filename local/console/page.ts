import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FLOWS, OPERATION_STATUSES, type OperationStatus } from '#lib/operations/operation.ts';
import { LOGISTICS_ORDER_STATUSES } from '#lib/top/apis/query-logistics-order.ts';

/** The status filter's choices, in this order: the first (DEAD) is the default. */
export const STATUS_CHOICES = [
  'DEAD',
  'FAILED',
  'PENDING_RETRY',
  'IN_PROGRESS',
  'SUCCEEDED',
  'STALE',
  'DUPLICATE',
] as const satisfies readonly OperationStatus[];

export interface ConsolePage {
  readonly html: string;
  /** Allows the page's own inline script and style (by their hashes) and requests to its origin only. */
  readonly contentSecurityPolicy: string;
}

const read = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const options = (values: readonly (string | readonly [value: string, label: string])[]) =>
  values
    .map((choice) => (typeof choice === 'string' ? [choice, choice] : choice))
    .map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`)
    .join('');

/**
 * The console: `page.html` with `console.js` inlined and the filters' choices filled in from the
 * operations' and the platform's own lists.
 */
export function renderConsolePage(): ConsolePage {
  const missing = OPERATION_STATUSES.filter(
    (status) => !(STATUS_CHOICES as readonly string[]).includes(status),
  );
  if (missing.length > 0) throw new Error(`the console's status filter lacks ${missing.join(', ')}`);
  const script = `\n${read('./console.js')}`;
  // The script is put in as it is: it must not close its element early.
  if (/<\/script/i.test(script)) throw new Error('console.js must not contain "</script"');
  const html = read('./page.html')
    .replace('<!--STATUS_OPTIONS-->', options(STATUS_CHOICES))
    .replace('<!--FLOW_OPTIONS-->', options(FLOWS))
    .replace(
      '<!--ORDER_STATUS_OPTIONS-->',
      options(
        Object.entries(LOGISTICS_ORDER_STATUSES).map(
          ([code, name]) => [`status=${code}`, `${code} ${name}`] as const,
        ),
      ),
    )
    .replace('<!--ORDER_STATUS_NAMES-->', escapeHtml(JSON.stringify(LOGISTICS_ORDER_STATUSES)))
    .replace('/* CONSOLE_JS */', () => script);
  const left = /<!--[A-Z_]+-->|\/\* CONSOLE_JS \*\//.exec(html);
  if (left) throw new Error(`page.html has a placeholder nothing fills: ${left[0]}`);
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  if (style === undefined) throw new Error('page.html has no <style> element');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
