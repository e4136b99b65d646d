import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { TopSimulator, TopSimulatorOptions } from '#local/top-sim/server.ts';
import { startTestDynamo, type TestDynamo } from './dynamo.ts';
import { startTestSimulator } from './top-sim.ts';

/** The real local parts a test file runs against; set once its `beforeAll` has run. */
export interface TestParts {
  readonly dynamo: TestDynamo;
  readonly sim: TopSimulator;
}

/**
 * Starts dynalite and the TOP simulator for the calling test file, clears the simulator's faults and
 * ledger after each test (once its calls have ended), and stops both (and the client's pools) at the end.
 */
export function useTestParts(simulator: Partial<TopSimulatorOptions> = {}): TestParts {
  const parts = {} as { dynamo: TestDynamo; sim: TopSimulator };
  beforeAll(async () => {
    [parts.dynamo, parts.sim] = await Promise.all([startTestDynamo(), startTestSimulator(simulator)]);
  });
  afterEach(async () => {
    parts.sim.faults.set([]);
    // A call whose client timed out still lands in the ledger when it ends: not in the next test's.
    await parts.sim.settled();
    parts.sim.clearLedger();
  });
  afterAll(async () => {
    await closeGatewayPools();
    await Promise.all([parts.dynamo.close(), parts.sim.close()]);
  });
  return parts;
}
