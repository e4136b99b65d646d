import { ConfigError } from '#lib/config/config.ts';

/** What a function's environment holds on one machine, the simulator as both gateways. */
export const LOCAL_ENV = {
  OPERATIONS_TABLE: 'operations',
  TOP_GATEWAY_URL: 'http://127.0.0.1:4100/router/rest',
  AE_GATEWAY_URL: 'http://127.0.0.1:4100',
  TOP_APP_KEY: '12345678',
  TOP_APP_SECRET: 'app-secret',
} as const;

/** The problems of the ConfigError `run` throws; any other outcome fails the test. */
export function configProblemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
