// What `npm run serve`, `npm start` and `npm run dist` need first, done in their own process: no `&&` chain
// of several programs, so a signal sent to npm's process reaches Brook itself.
import { fileURLToPath } from 'node:url';
import { build } from 'electron-vite';
import { exitWithParent } from './exitWithParent.js';
import { fetchModel } from './fetch-model.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Puts the bundled model in place (unless it is there and verified), then builds the app into out/. */
export async function prepare(): Promise<void> {
  await fetchModel({ ifMissing: true });
  await build({ root: ROOT });
}

/** The start of each entry script: stop with npm's process, then prepare, or say why not and exit 1. */
export async function prepareOrExit(): Promise<void> {
  exitWithParent();
  try {
    await prepare();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
