import { pathToFileURL } from 'node:url';
import { startTopSimulator } from './server.ts';
import { readSimSettings } from './settings.ts';

/** `npm run top-sim`: the TOP gateway simulator on its own. */
export async function runTopSimulator(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = readSimSettings(env);
  const sim = await startTopSimulator({
    ...settings,
    host: '127.0.0.1',
    log: (line) => console.log(`[top-sim] ${line}`),
  });
  console.log(`TOP simulator listening on ${sim.url}`);
  console.log(`  app key  TOP_APP_KEY=${settings.appKey}`);
  console.log(`  secret   TOP_APP_SECRET=${settings.appSecret}`);
  console.log(`  sessions TOP_SESSION=${settings.sessions.join(',')}`);
  console.log(`  control  ${sim.origin}/_sim/{ledger,faults,stats,state}`);
  if (settings.faults.length > 0) console.log(`  faults   ${JSON.stringify(settings.faults)}`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTopSimulator().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
