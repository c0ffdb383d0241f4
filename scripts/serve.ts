// `npm run serve`: prepares the model and the build, then runs the headless CLI in this same process.
import { exitWithParent } from './exitWithParent.js';
import { prepare } from './prepare.js';

exitWithParent();
try {
  await prepare();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
await import('../electron/cli.js');
