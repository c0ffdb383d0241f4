// `npm run serve`: prepares the model and the build, then runs the headless CLI in this same process.
import { prepareOrExit } from './prepare.js';

await prepareOrExit();
await import('../electron/cli.js');
