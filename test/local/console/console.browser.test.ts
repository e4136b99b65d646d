import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { invokeLambda } from '#local/lambda/invoke.ts';
import { scheduledEvent } from '#local/lambda/scheduled-event.ts';
import { type ConsoleStack, startConsoleStack } from './console-stack.ts';

/** Debian's chromium (CI installs it); CHROMIUM_PATH names another. */
function findChromium(): string | undefined {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => ['chromium', 'chromium-browser'].map((name) => join(dir, name)));
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', ...onPath].find(
    (path): path is string => !!path && existsSync(path),
  );
}

const CHROMIUM = findChromium();
const SKIPPED =
  'skipped: no chromium executable (apt-get install chromium, as .ci/run does, or set CHROMIUM_PATH)';
if (!CHROMIUM) console.warn(`console.browser.test.ts ${SKIPPED}`);
const SCREENSHOT = fileURLToPath(new URL('../../../.ci/out/console.png', import.meta.url));
const EXAMPLE = JSON.parse(
  readFileSync(new URL('../../../examples/wms-delivery-order.json', import.meta.url), 'utf8'),
) as { delivery_order: Record<string, unknown> };

/** The example delivery order under another ticket, so each test has its own operation. */
const deliveryOrder = (ticketId: string) => ({
  ...EXAMPLE,
  delivery_order: { ...EXAMPLE.delivery_order, ticket_id: ticketId },
});

/** Polls until the matcher holds: a replay answers within seconds, more on a busy machine. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

let app: ConsoleStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every URL the page requested; the answers other than 2xx; the console's errors (CSP violations too). */
let requested: string[];
let failed: string[];
let consoleErrors: string[];

(CHROMIUM ? describe : describe.skip)(
  `the local console in Chromium${CHROMIUM ? '' : ` (${SKIPPED})`}`,
  // A browser and the whole stack: more than the default on a busy machine.
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      // One attempt, then DEAD: a platform fault is enough to make an operation to replay.
      app = await startConsoleStack({ env: { RETRY_MAX_ATTEMPTS: '1' } });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    beforeEach(async () => {
      app.simulator.faults.set([]);
      requested = [];
      failed = [];
      consoleErrors = [];
      context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      page = await context.newPage();
      // Well under the test's own timeout, so a missing element fails with its locator named.
      page.setDefaultTimeout(10_000);
      page.on('request', (request) => requested.push(request.url()));
      page.on('response', (response) => {
        if (response.status() >= 300) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
    });

    afterEach(async () => {
      await context?.close();
    });

    /** Opens the console and waits for its first loads to finish. */
    async function openConsole(): Promise<void> {
      const response = await page.goto(`${app.url}/`);
      expect(response?.status()).toBe(200);
      await page.locator('body[data-ready="true"]').waitFor();
      // What the API refused on the first loads, as the page shows it (empty when all went well).
      expect(await page.getByTestId('message-text').locator('.line').allTextContents()).toEqual([]);
    }

    const operationRow = (id: string) => page.locator(`tr[data-operation-id="${id}"]`);
    const count = (status: string) => page.getByTestId(`count-${status}`).getByTestId('count');

    it('lists a DEAD operation, replays it from its row and shows it SUCCEEDED, with the counts', async () => {
      app.simulator.faults.set([{ type: 'isp' }]);
      const delivered = await app.deliver('wms', deliveryOrder('T-CONSOLE-DEAD'));
      const operationId = String(delivered.body.operation_id);
      expect(delivered.body).toMatchObject({ status: 'DEAD', attempts: 1 });

      await openConsole();
      expect(await page.getByTestId('ops-status').inputValue()).toBe('DEAD');
      const row = operationRow(operationId);
      await eventually(() => row.getByTestId('op-status').textContent()).toBe('DEAD');
      expect(await count('DEAD').textContent()).toBe('1');
      expect(await count('SUCCEEDED').textContent()).toBe('0');

      app.simulator.faults.set([]);
      await row.getByTestId('op-replay').click();
      await eventually(() => row.getByTestId('op-status').textContent()).toBe('SUCCEEDED');
      expect(await row.getByTestId('op-replay').count()).toBe(0);
      expect(app.simulator.ledger).toHaveLength(1);
      await eventually(() => count('SUCCEEDED').textContent()).toBe('1');
      expect(await count('DEAD').textContent()).toBe('0');

      // The row opens the operation in the side panel.
      await row.click();
      const panel = page.getByTestId('operation-detail');
      await eventually(() => panel.getAttribute('data-operation-id')).toBe(operationId);
      expect(await panel.getByTestId('detail-status').textContent()).toBe('SUCCEEDED');
      expect(await panel.textContent()).toContain('tmall.ovs.delivery.order.info.send');

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const origin = new URL(app.url).origin;
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
      // The browser asks for /favicon.ico by itself: the stack has none (a 404), which is no error of the page.
      expect(failed.filter((line) => line !== '404 /favicon.ico')).toEqual([]);
      expect(consoleErrors.filter((line) => !line.startsWith('Failed to load resource'))).toEqual([]);
      expect(await page.getByTestId('message').getAttribute('class')).not.toBe('error');
    });

    it('shows the problem the API answers in the message area: a replay TOP refuses again stays FAILED', async () => {
      const refusal = {
        type: 'error',
        code: 15,
        msg: 'Remote service error',
        sub_code: 'isv.invalid-parameter',
        sub_msg: 'bad ticket',
      } as const;
      app.simulator.faults.set([refusal]);
      const delivered = await app.deliver('wms', deliveryOrder('T-CONSOLE-FAILED'));
      expect(delivered.status).toBe(422);
      const operationId = String(delivered.body.operation_id);

      await openConsole();
      await page.getByTestId('ops-status').selectOption('FAILED');
      await page.getByTestId('ops-load').click();
      const row = operationRow(operationId);
      await eventually(() => row.getByTestId('op-status').textContent()).toBe('FAILED');

      await row.getByTestId('op-replay').click();
      const message = page.getByTestId('message');
      await message.waitFor();
      expect(await message.textContent()).toMatch(/422 TOP rejected the request: bad ticket/);
      expect(await row.getByTestId('op-status').textContent()).toBe('FAILED');
      expect(await row.getByTestId('op-attempts').textContent()).toBe('1');
    });

    it('replays all the operations shown after a confirm, and shows each one’s new status', async () => {
      app.simulator.faults.set([{ type: 'isp' }]);
      const ids: string[] = [];
      for (const ticket of ['T-CONSOLE-ALL-1', 'T-CONSOLE-ALL-2']) {
        const delivered = await app.deliver('wms', deliveryOrder(ticket));
        expect(delivered.body).toMatchObject({ status: 'DEAD' });
        ids.push(String(delivered.body.operation_id));
      }

      await openConsole();
      for (const id of ids) await operationRow(id).waitFor();
      app.simulator.faults.set([]);
      const dialogs: string[] = [];
      page.once('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      await page.getByTestId('ops-replay-all').click();
      for (const id of ids) {
        await eventually(() => operationRow(id).getByTestId('op-status').textContent()).toBe('SUCCEEDED');
      }
      expect(dialogs).toEqual(['Replay 2 DEAD operations?']);
      expect(await page.getByTestId('message').textContent()).toContain('Replayed 2, skipped 0.');
    });

    it('shows a tracked order with its history, and untracks it after a confirm', async () => {
      const tracked = await app.deliver('tracking', {
        seller_id: 'shop-1',
        logistics_order_id: 'LP-CONSOLE-1',
      });
      expect(tracked.status).toBe(201);
      // One refresh, as the schedule would run it: the worker reads the simulator's first status.
      await invokeLambda(app.functions.refreshDispatcher, scheduledEvent('refresh-dispatcher'), {
        functionName: 'refresh-dispatcher',
      });
      const history = async () => {
        const order = (await (await fetch(`${app.url}/logistics-orders/LP-CONSOLE-1`)).json()) as {
          history?: unknown[];
        };
        return order.history;
      };
      await eventually(history).toHaveLength(1);

      await openConsole();
      // The API lists one kind of order at a time: parked (the default), stopped, or one status.
      await page.getByTestId('orders-filter').selectOption('status=1');
      await page.getByTestId('orders-load').click();
      const row = page.locator('tr[data-logistics-order-id="LP-CONSOLE-1"]');
      await row.waitFor();
      await row.click();
      const panel = page.getByTestId('order-detail');
      await eventually(() => panel.getAttribute('data-logistics-order-id')).toBe('LP-CONSOLE-1');
      expect(await panel.getByTestId('order-history').locator('tbody tr').allTextContents()).toEqual([
        expect.stringMatching(/^1 NEW\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      ]);
      expect(await panel.textContent()).not.toContain('federal_tax_id');

      const dialogs: string[] = [];
      page.once('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      const deleted = page.waitForResponse(
        (response) => response.request().method() === 'DELETE' && response.url().endsWith('/LP-CONSOLE-1'),
      );
      await row.getByTestId('order-untrack').click();
      expect((await deleted).status()).toBe(204);
      expect(dialogs).toEqual([expect.stringContaining('LP-CONSOLE-1')]);
      await row.waitFor({ state: 'detached' });
      expect((await fetch(`${app.url}/logistics-orders/LP-CONSOLE-1`)).status).toBe(404);
    });
  },
);
