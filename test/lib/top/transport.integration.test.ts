import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
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
