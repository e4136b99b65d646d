import { TopClient, type TopClientConfig } from '#lib/top/client.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { startTopSimulator, type TopSimulator, type TopSimulatorOptions } from '#local/top-sim/server.ts';

export const TEST_APP = {
  appKey: 'test-app',
  appSecret: 'test-app-secret',
  session: 'seller-session',
} as const;

/** Credentials of the test seller (with session) and of the app alone (no session). */
export const sellerCredentials: TopCredentials = TEST_APP;
export const appCredentials: TopCredentials = { appKey: TEST_APP.appKey, appSecret: TEST_APP.appSecret };

/** A simulator on a free loopback port with the test app; options override. */
export const startTestSimulator = (options: Partial<TopSimulatorOptions> = {}): Promise<TopSimulator> =>
  startTopSimulator({
    appKey: TEST_APP.appKey,
    appSecret: TEST_APP.appSecret,
    sessions: [TEST_APP.session],
    ...options,
  });

/** A client pointed at the simulator, TOP's gateway and AliExpress' (IOP by default); options override. */
export const clientFor = (sim: TopSimulator, config: Partial<TopClientConfig> = {}): TopClient =>
  new TopClient({ gatewayUrl: sim.url, aeGatewayUrl: sim.aeUrl, ...config });
