// `npm start`: the whole system on this machine (README, "On one machine").
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '#lib/config/config.ts';
import { DirectoryLockedError } from './dir-lock.ts';
import { PortInUseError } from './listen.ts';
import {
  LOCAL_DEFAULTS,
  LocalSettingsError,
  portVariable,
  readLocalSettings,
  summarizeSettings,
} from './settings.ts';
import { type LocalStack, startStack } from './stack.ts';

async function main(): Promise<void> {
  const settings = readLocalSettings(process.env);
  // Lambda runs Node 24; the SDK's warning about this machine's Node 20 would only be noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const starting = startStack(settings).catch((error: unknown) => {
    if (!(error instanceof PortInUseError)) throw error;
    // Said with the variable that moves it: PORT, or TOP_SIM_PORT for the simulator.
    throw new PortInUseError(error.host, error.port, portVariable(settings, error.port));
  });
  // Installed before the stack is up, so a signal during the start still closes what has started.
  stopOnSignals(starting);
  const stack = await starting;

  // Tests and scripts wait for this exact line.
  console.log(`listening on ${stack.url}`);
  const simulated = (url: string | undefined) =>
    url && stack.simulator && url.startsWith(stack.simulator.origin) ? ' (simulator)' : '';
  console.log(`  TOP gateway  ${stack.topGatewayUrl}${simulated(stack.topGatewayUrl)}`);
  console.log(
    `  AliExpress   ${stack.aeGatewayUrl ?? 'over the TOP gateway (AE_PROTOCOL=top)'}${simulated(stack.aeGatewayUrl)}`,
  );
  if (stack.simulator)
    console.log(`  control      ${stack.simulator.origin}/_sim/{ledger,faults,stats,state,tokens}`);
  console.log(`  DynamoDB     ${stack.dynamoEndpoint} (dynalite, data under ${settings.dataDir})`);
  console.log('settings:');
  for (const line of summarizeSettings(settings)) console.log(line);
  const url = settings.port === LOCAL_DEFAULTS.PORT ? '' : ` --url ${stack.url}`;
  const examples = relative(process.cwd(), fileURLToPath(new URL('../examples', import.meta.url))) || '.';
  console.log('try:');
  console.log(`  npm run send -- wms ${examples}/wms-delivery-order.json${url}`);
  console.log(`  npm run send -- wms ${examples}/wms-pack-fail.json${url}`);
  console.log(`  npm run send -- storefront ${examples}/storefront-fulfillment.json${url}`);
  console.log(`  curl ${stack.url}/operations/<operation_id>`);
  if (stack.simulator)
    console.log(`  curl -X POST ${stack.simulator.origin}/_sim/faults -d '{"type":"isp","count":1}'`);
}

/** A signal this soon after the first is the same one relayed, not a second Ctrl-C. */
const RELAYED_SIGNAL_MS = 1000;

/** SIGINT / SIGTERM: stop the schedule, answer what is in flight, close the servers, flush the data. */
function stopOnSignals(starting: Promise<LocalStack>): void {
  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C arrives twice under `npm start`: from the terminal, and passed on by npm.
      if (Date.now() - stoppingSince < RELAYED_SIGNAL_MS) return;
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`${signal}: stopping`);
    starting
      .then((stack) => stack.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('stopped with errors:', error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`npm start failed: ${error.message}`);
  // A function's cold start failing on anything but its configuration is a bug: its stack says where.
  // A settings error or a data folder in use says all there is in its message.
  const explained = error instanceof LocalSettingsError || error instanceof DirectoryLockedError;
  if (!explained && error.cause instanceof Error && !(error.cause instanceof ConfigError))
    console.error(error.cause.stack);
  process.exit(1);
});
