import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { closeGatewayPools, GatewayPool } from '#lib/top/transport.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { appCredentials, clientFor, sellerCredentials, startTestSimulator } from '#test/helpers/top-sim.ts';

// The gateway's idle timeout: it closes a keep-alive connection idle this long, and says so.
const GATEWAY_IDLE_MS = 60_000;

const shipment = (n: number) =>
  ({ service_name: 'EMS', out_ref: `8000000000${n}`, send_type: 'part', logistics_no: `LA${n}CN` }) as const;

// One clock for the simulator and the client: moving it forward between two calls is a freeze of the
// container, during which neither timers nor socket events ran here while the gateway's time went on.
const clock = { now: Date.now() };
let sim: TopSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ idleDropMs: GATEWAY_IDLE_MS, now: () => clock.now });
});
afterEach(async () => {
  await closeGatewayPools();
  sim.clearLedger();
});
afterAll(async () => {
  await sim.close();
});

const connections = () => sim.stats().connections;

describe('the gateway pool after a long idle', () => {
  it('opens a new connection after a freeze longer than the gateway keeps connections, so the call is made once and succeeds', async () => {
    const client = clientFor(sim, { now: () => clock.now });
    await fulfillOrder(client, sellerCredentials, shipment(1));
    const before = connections();

    clock.now += 5 * 60_000;
    const result = await fulfillOrder(client, sellerCredentials, shipment(2));

    expect(result.response.result?.result_success).toBe(true);
    expect(sim.stats().droppedIdle).toBe(0);
    expect(connections()).toBe(before + 1);
    expect(sim.ledger.map((entry) => entry.params.out_ref)).toEqual(['80000000001', '80000000002']);
  });

  it('does the same on the TOP gateway', async () => {
    const client = clientFor(sim, { now: () => clock.now });
    const order = { ticket_id: 'T1', status: 'PACK_FINISH' } as const;
    await sendDeliveryOrder(client, appCredentials, order);

    clock.now += 5 * 60_000;
    await sendDeliveryOrder(client, appCredentials, { ...order, status: 'ISSUE_SUCCEEDED' });

    expect(sim.stats().droppedIdle).toBe(0);
    expect(sim.ledger).toHaveLength(2);
  });

  it('keeps the connection through an idle shorter than the timeout the gateway announced', async () => {
    const client = clientFor(sim, { now: () => clock.now });
    await fulfillOrder(client, sellerCredentials, shipment(3));
    const before = connections();

    clock.now += GATEWAY_IDLE_MS / 2;
    await fulfillOrder(client, sellerCredentials, shipment(4));

    expect(connections()).toBe(before);
    expect(sim.ledger).toHaveLength(2);
  });

  // The control: what the simulator does to a client that trusts its idle connection after a freeze.
  it('is needed: a plain keep-alive pool writes to the dropped connection and the call is lost', async () => {
    const pool = new Pool(sim.origin, { keepAliveTimeout: 10 * 60_000, keepAliveMaxTimeout: 10 * 60_000 });
    const client = clientFor(sim, { now: () => clock.now, dispatcher: pool });
    try {
      await fulfillOrder(client, sellerCredentials, shipment(5));
      clock.now += 5 * 60_000;

      const failed = await fulfillOrder(client, sellerCredentials, shipment(6)).catch((error) => error);

      expect(failed).toMatchObject({ name: 'TopTransportError', mayHaveTakenEffect: true });
      expect(sim.stats().droppedIdle).toBe(1);
      expect(sim.ledger).toHaveLength(1);
    } finally {
      await pool.destroy();
    }
  });
});

describe('the idle limit the gateway announces', () => {
  it('follows the announcement as it changes, and keeps it while it stays the same', async () => {
    const announced = ['timeout=60', 'timeout=2', 'timeout=2'];
    let answered = 0;
    let connected = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'keep-alive': announced[Math.min(answered++, announced.length - 1)] });
        response.end('{}');
      });
    });
    server.on('connection', () => {
      connected += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pool = new GatewayPool(origin);
    let now = 0;
    const post = () =>
      pool.post({ url: new URL('/router/rest', origin), form: 'a=1', timeoutMs: 5_000, clock: () => now });
    try {
      await post();
      // 10 s idle: within the 60 s first announced.
      now += 10_000;
      await post();
      expect(connected).toBe(1);

      // 10 s idle again: past the 2 s announced since, so a new connection.
      now += 10_000;
      await post();
      expect(connected).toBe(2);

      // The same 2 s announced once more still holds.
      now += 10_000;
      await post();
      expect(connected).toBe(3);
    } finally {
      await pool.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
