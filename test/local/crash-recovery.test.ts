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

const start = () =>
  startLocalStack({
    dataDir,
    env: {
      TOP_GATEWAY_URL: sim.url,
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
});
