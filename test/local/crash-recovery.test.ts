import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { type LocalStackProcess, startLocalStack } from '#test/helpers/local-stack.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';

// The stack's own phone, e-mail and tax id for this test: none may reach its output.
const PERSONAL = ['+86 138 0013 8000', '8613800138000', 'li.wei@example.com', '91310000MA1FL8TQ0X'];

let sim: TopSimulator;
let dataDir: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'local-crash-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

const start = (dir = dataDir) =>
  startLocalStack({
    dataDir: dir,
    env: {
      TOP_GATEWAY_URL: sim.url,
      AE_GATEWAY_URL: sim.origin,
      TOP_APP_KEY: TEST_APP.appKey,
      TOP_APP_SECRET: TEST_APP.appSecret,
      TOP_SESSION: `shop-1=${TEST_APP.session}`,
      RETRY_BASE_SECONDS: '1',
      SCHEDULE_INTERVAL_SECONDS: '1',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
  });

async function postWms(stack: LocalStackProcess, body: unknown) {
  const raw = JSON.stringify(body);
  const headers = signWebhook({
    id: `msg_crash_${Date.now()}`,
    timestamp: Math.floor(Date.now() / 1000),
    body: raw,
    secret: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
  });
  const response = await fetch(`${stack.url}/webhooks/wms/delivery-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One webhook of the load: its delivery id, route, secret and exact body are fixed up front. */
interface CrashEvent {
  readonly id: string;
  readonly path: string;
  readonly secret: string;
  readonly raw: string;
  /** The ticket_id or out_ref that finds its calls in the simulator's ledger. */
  readonly ref: string;
}

interface Answer {
  readonly status: number;
  readonly operationId: string | undefined;
  readonly retryAfterSeconds: number;
  readonly body: Record<string, unknown>;
}

const EVENTS = 200;
const CONCURRENCY = 16;

// Even events are WMS delivery orders, odd ones storefront fulfilments; one ticket or order each.
const crashEvents = (): CrashEvent[] =>
  Array.from({ length: EVENTS }, (_, n) => {
    const id = `msg_crash_${n}`;
    if (n % 2 === 0) {
      const ref = `T-CRASH-${n}`;
      const body = {
        occurred_at: '2026-11-23T10:00:00Z',
        delivery_order: {
          ticket_id: ref,
          status: 'PACK_FINISH',
          length: 45,
          width: 64,
          height: 34,
          weight: 2300,
        },
      };
      return {
        id,
        path: '/webhooks/wms/delivery-orders',
        secret: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
        raw: JSON.stringify(body),
        ref,
      };
    }
    const ref = `7700${String(n).padStart(4, '0')}`;
    const body = {
      seller_id: 'shop-1',
      fulfillment: { out_ref: ref, service_name: 'EMS', send_type: 'part', logistics_no: `LA${ref}CN` },
    };
    return {
      id,
      path: '/webhooks/storefront/fulfillments',
      secret: LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
      raw: JSON.stringify(body),
      ref,
    };
  });

/** Posts an event as its sender would, signed afresh: same webhook-id, same bytes. */
async function deliver(stack: LocalStackProcess, event: CrashEvent): Promise<Answer> {
  const headers = signWebhook({
    id: event.id,
    timestamp: Math.floor(Date.now() / 1000),
    body: event.raw,
    secret: event.secret,
  });
  const response = await fetch(`${stack.url}${event.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: event.raw,
  });
  const body = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    operationId: typeof body.operation_id === 'string' ? body.operation_id : undefined,
    retryAfterSeconds: Number(response.headers.get('retry-after') ?? 1),
    body,
  };
}

/** Runs `work` on each item, `concurrency` at a time; no item is started once `stop()` holds. */
async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  stop = () => false,
) {
  const queue = [...items];
  const worker = async () => {
    while (queue.length > 0 && !stop()) await work(queue.shift() as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const is2xx = (status: number) => status >= 200 && status < 300;

async function statusOf(stack: LocalStackProcess, operationId: string): Promise<string> {
  const response = await fetch(`${stack.url}/operations/${operationId}`);
  return String(((await response.json()) as { status: unknown }).status);
}

describe('the local stack as a process', () => {
  it('completes an operation accepted with 202 after being killed with SIGKILL and started again', async () => {
    sim.faults.set([{ type: 'isp', count: 1 }]);
    const first = await start();
    const accepted = await postWms(first, {
      delivery_order: {
        ticket_id: 'T-SIGKILL',
        status: 'PACK_FAIL',
        error_code: 'USER_INFO_ERROR',
        exception_desc: `recipient ${PERSONAL[0]} / ${PERSONAL[2]} / tax ${PERSONAL[3]} unreachable`,
      },
    });
    expect(accepted.status).toBe(202);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(sim.ledger).toHaveLength(0);

    const second = await start();
    try {
      const operationId = String(accepted.body.operation_id);
      let status = await statusOf(second, operationId);
      for (let waited = 0; status !== 'SUCCEEDED' && waited < 15_000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await statusOf(second, operationId);
      }
      expect(status).toBe('SUCCEEDED');
      expect(sim.ledger).toHaveLength(1);
      expect(sim.ledger[0]?.params).toMatchObject({ ticket_id: 'T-SIGKILL' });
    } finally {
      await second.stop();
    }
    const output = [...first.lines, ...second.lines].join('\n');
    expect(output).toContain(String(accepted.body.operation_id));
    for (const value of PERSONAL) expect(output).not.toContain(value);
  });

  it('delivers each of 200 webhooks exactly once when the stack is killed mid-load and started again at once', async () => {
    const began = Date.now();
    const events = crashEvents();
    const eventOf = new Map(events.map((event) => [event.ref, event]));
    const dir = join(dataDir, 'load');
    sim.clearLedger();
    // TOP waits before and after doing a call, so some calls are in flight, done or not, at the kill.
    sim.faults.set([
      { type: 'latency', ms: 20 },
      { type: 'latency', ms: 30, phase: 'body' },
    ]);
    const first = await start(dir);
    let second: LocalStackProcess | undefined;
    try {
      // 16 at a time until half are answered, then SIGKILL: what was in flight or not sent gets no answer.
      const answers = new Map<CrashEvent, Answer>();
      let killedAt: number | undefined;
      await inPool(
        events,
        CONCURRENCY,
        async (event) => {
          try {
            answers.set(event, await deliver(first, event));
          } catch {
            return; // cut off by the kill
          }
          if (killedAt === undefined && answers.size >= EVENTS / 2) {
            killedAt = Date.now();
            first.kill('SIGKILL');
          }
        },
        () => killedAt !== undefined,
      );
      expect((await first.exited).signal).toBe('SIGKILL');
      const refused = [...answers].filter(([, answer]) => !is2xx(answer.status));
      expect(refused.map(([event, answer]) => `${event.id} answered ${answer.status}`)).toEqual([]);
      const answered = new Set(answers.keys());
      const answerless = events.filter((event) => !answered.has(event));

      // Every TOP call of the restarted stack comes after this; the killed stack's were all done before.
      const restartedAt = Date.now();
      // At once, on the same folder: its lock died with its holder, and the start repairs dynalite's indexes.
      second = await start(dir);
      const restarted = second;
      const deadline = restartedAt + 90_000;

      // The sender redelivers, same id and body, until answered; 409 is a claim of the killed stack, in
      // flight until its lease lapses, after which the sweeper or the redelivery takes it over.
      await inPool(answerless, CONCURRENCY, async (event) => {
        for (;;) {
          const answer = await deliver(restarted, event);
          if (is2xx(answer.status)) {
            answers.set(event, answer);
            return;
          }
          if (answer.status !== 409 || Date.now() > deadline)
            throw new Error(`redelivery of ${event.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
          await sleep(Math.min(answer.retryAfterSeconds, 2) * 1000);
        }
      });

      const statuses = new Map<CrashEvent, string>();
      const readStatuses = () =>
        inPool(events, CONCURRENCY, async (event) => {
          const operationId = answers.get(event)?.operationId;
          statuses.set(event, operationId ? await statusOf(restarted, operationId) : 'no operation_id');
        });
      await readStatuses();
      while (events.some((event) => statuses.get(event) !== 'SUCCEEDED') && Date.now() < deadline) {
        await sleep(250);
        await readStatuses();
      }
      expect(
        events
          .filter((event) => statuses.get(event) !== 'SUCCEEDED')
          .map((event) => `${event.id} ${answers.get(event)?.operationId} ${statuses.get(event)}`),
        'operations not SUCCEEDED 90 s after the restart',
      ).toEqual([]);
      expect([...statuses.values()]).not.toContain('IN_PROGRESS');

      const calls = new Map<CrashEvent, number[]>(events.map((event) => [event, []]));
      for (const entry of sim.ledger) {
        const ref = String(entry.params.ticket_id ?? entry.params.out_ref);
        const event = eventOf.get(ref);
        if (!event) throw new Error(`a TOP call for no event of the load: ${entry.method} ${ref}`);
        calls.get(event)?.push(Date.parse(entry.at));
      }
      const callsOf = (event: CrashEvent) => calls.get(event) ?? [];
      expect(
        events
          .filter((event) => callsOf(event).length < 1 || callsOf(event).length > 2)
          .map((event) => `${event.id} ${callsOf(event).length} TOP calls`),
      ).toEqual([]);
      const twice = events.filter((event) => callsOf(event).length === 2);
      for (const event of twice) {
        const [firstCall, secondCall] = callsOf(event);
        // Only a call the killed stack made and never saw answered is made again, by the restarted stack.
        // (Not "at or before the kill instant": TOP may do a call sent before it a few ms after it.)
        expect(answered.has(event), `${event.id} was answered before the kill`).toBe(false);
        expect(firstCall, `${event.id}: first call`).toBeLessThan(restartedAt);
        expect(secondCall, `${event.id}: second call`).toBeGreaterThanOrEqual(restartedAt);
      }
      const lateFirst = twice.filter((event) => (callsOf(event)[0] ?? 0) > (killedAt ?? 0)).length;
      console.info(
        `crash test: ${EVENTS} events, ${answered.size} answered before the kill, ${answerless.length} ` +
          `redelivered; ${twice.length} second TOP calls (each for a call in flight at the kill; ` +
          `${lateFirst} reached TOP after the kill instant); ${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
    } finally {
      sim.faults.set([]);
      first.kill('SIGKILL');
      await first.exited;
      await second?.stop();
    }
  }, 150_000);
});
