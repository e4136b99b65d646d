// `npm start`: for now the TOP gateway simulator; the webhook stack joins it as it lands.
import { runTopSimulator } from './top-sim/main.ts';

runTopSimulator().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
