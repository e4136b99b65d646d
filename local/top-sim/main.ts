import { pathToFileURL } from 'node:url';
import { PortInUseError } from '../listen.ts';
import { startTopSimulator } from './server.ts';
import { applySimFlags, readSimSettings, SIM_DEFAULTS, type SimSettings } from './settings.ts';

/** `npm run top-sim [-- --access-ttl <s> --refresh-ttl <s>]`: the TOP and IOP gateway simulator on its own. */
export async function runTopSimulator(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const settings = applySimFlags(readSimSettings(env), argv);
  const sim = await startTopSimulator({
    ...settings,
    host: '127.0.0.1',
    log: (line) => console.log(`[top-sim] ${line}`),
  }).catch((error: unknown) => {
    if (!(error instanceof PortInUseError)) throw error;
    throw new PortInUseError(error.host, error.port, 'TOP_SIM_PORT');
  });
  console.log(`TOP simulator listening on ${sim.url}`);
  console.log(
    `  iop      ${sim.aeUrl} (AliExpress: /sync, /rest/auth/token/{create,refresh}, /oauth/authorize)`,
  );
  console.log(`  app key  TOP_APP_KEY=${settings.appKey}`);
  for (const line of credentialLines(settings)) console.log(line);
  const idle =
    settings.idleDropMs === undefined ? '' : `; idle connections reset after ${settings.idleDropMs / 1000} s`;
  console.log(
    `  tokens   access ${settings.accessTtlMs / 1000} s, refresh ${settings.refreshTtlMs / 1000} s${idle}`,
  );
  console.log(`  control  ${sim.origin}/_sim/{ledger,faults,stats,state,tokens}`);
  if (settings.faults.length > 0) console.log(`  faults   ${JSON.stringify(settings.faults)}`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * The secret and the sessions, printed only when they are the simulator's own defaults: a value from
 * the environment may be a real one, and must not end up on a terminal or in a CI log.
 */
function credentialLines(settings: SimSettings): string[] {
  // By value, not by which variables are set: a value printed is then always the public default.
  const defaultSecret = settings.appSecret === SIM_DEFAULTS.appSecret;
  const defaultSessions = settings.sessions.length === 1 && settings.sessions[0] === SIM_DEFAULTS.session;
  const count = settings.sessions.length;
  return [
    defaultSecret
      ? `  secret   TOP_APP_SECRET=${settings.appSecret}`
      : '  secret   TOP_APP_SECRET from the environment (not shown)',
    defaultSessions
      ? `  sessions TOP_SESSION=${settings.sessions.join(',')}`
      : `  sessions TOP_SESSION from the environment: ${count} session${count === 1 ? '' : 's'} (not shown)`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTopSimulator().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
