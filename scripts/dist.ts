// `npm run dist`: fetches the model if missing, builds the app, then packages it with electron-builder (flags
// after `npm run dist --` go to electron-builder, e.g. `-- --linux AppImage`). A failure ends in one message.
import { createRequire } from 'node:module';
import { distFailure } from './distFailure.js';
import { prepareOrExit, ROOT } from './prepare.js';

// electron-builder's own command-line parser, so its flags work as with `npx electron-builder`.
const { build, configureBuildCommand, createYargs } = createRequire(import.meta.url)('electron-builder/out/builder.js') as {
  build(options: unknown): Promise<string[]>;
  configureBuildCommand(yargs: unknown): { parseSync(args: string[]): unknown };
  createYargs(): unknown;
};

await prepareOrExit();
process.chdir(ROOT);
try {
  const artifacts = await build(configureBuildCommand(createYargs()).parseSync(process.argv.slice(2)));
  console.log(`Packaged:\n${artifacts.map((path) => `  ${path}`).join('\n')}`);
} catch (error) {
  console.error(distFailure(error));
  process.exit(1);
}
