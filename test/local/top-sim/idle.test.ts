import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TopSimulator } from '#local/top-sim/server.ts';
import { startTestSimulator, TEST_APP } from '#test/helpers/top-sim.ts';
import { FULFILL, postSync, postTop, syncFields, topFields } from './iop-raw.ts';

const T0 = Date.parse('2026-03-01T04:00:00.000Z');
const IDLE_DROP_MS = 60_000;
const shipment = { service_name: 'EMS', out_ref: '9501', send_type: 'part', logistics_no: 'LA95CN' };

// The simulator judges idleness by this clock: moving it between two calls is a frozen container.
let clock = T0;
let sim: TopSimulator;
let agent: Agent;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => clock, idleDropMs: IDLE_DROP_MS });
});
afterEach(async () => {
  clock = T0;
  sim.clearLedger();
  await agent?.close();
});
afterAll(async () => {
  await sim.close();
});

/** One connection at a time, so consecutive calls reuse it while it lives. */
const oneConnection = () => {
  agent = new Agent({ connections: 1 });
  return agent;
};
const syncFulfil = (dispatcher: Agent) =>
  postSync(sim.aeUrl, syncFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }), {
    dispatcher,
  });
const topFulfil = (dispatcher: Agent) =>
  postTop(sim.origin, topFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }), { dispatcher });

describe('idle connection drop (a Lambda container frozen while the gateway closed its connection)', () => {
  it('resets a call on a connection idle past idleDropMs, without processing it; a fresh connection is served', async () => {
    const dispatcher = oneConnection();
    const before = sim.stats();
    expect((await syncFulfil(dispatcher)).status).toBe(200);

    clock += IDLE_DROP_MS + 1;
    await expect(syncFulfil(dispatcher)).rejects.toThrow();
    const afterDrop = sim.stats();
    expect(sim.ledger).toHaveLength(1);
    expect(sim.state.fulfilments.get('9501')?.shipments).toHaveLength(1);

    expect((await syncFulfil(dispatcher)).json()).toHaveProperty(
      'aliexpress_solution_order_fulfill_response',
    );
    const after = sim.stats();
    expect(sim.ledger).toHaveLength(2);
    expect(afterDrop.droppedIdle - before.droppedIdle).toBe(1);
    expect(afterDrop.calls - before.calls).toBe(1);
    expect(after.connections - before.connections).toBe(2);
  });

  it('serves a call on a connection idle exactly idleDropMs', async () => {
    const dispatcher = oneConnection();
    await syncFulfil(dispatcher);
    const before = sim.stats();
    clock += IDLE_DROP_MS;

    expect((await syncFulfil(dispatcher)).status).toBe(200);
    expect(sim.stats()).toMatchObject({ droppedIdle: before.droppedIdle, connections: before.connections });
  });

  it('drops on /router/rest as on IOP', async () => {
    const dispatcher = oneConnection();
    await topFulfil(dispatcher);
    clock += 10 * IDLE_DROP_MS;

    await expect(topFulfil(dispatcher)).rejects.toThrow();
    expect(sim.ledger.map((entry) => entry.protocol)).toEqual(['top']);
  });

  it('announces the idle limit as Keep-Alive: timeout=<seconds>', async () => {
    const answer = await syncFulfil(oneConnection());

    expect(answer.headers['keep-alive']).toBe(`timeout=${IDLE_DROP_MS / 1000}`);
  });

  it('never drops when idleDropMs is not set', async () => {
    const plain = await startTestSimulator({ now: () => clock });
    const dispatcher = oneConnection();
    const call = () =>
      postSync(plain.aeUrl, syncFields(FULFILL, shipment, { session: TEST_APP.session, at: clock }), {
        dispatcher,
      });
    await call();
    clock += 3600_000;

    expect((await call()).status).toBe(200);
    expect(plain.stats()).toMatchObject({ droppedIdle: 0, connections: 1 });
    await plain.close();
  });
});
