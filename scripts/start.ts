// `npm start`: fetches the model if missing and builds the app, then starts the desktop app when it can run
// here, otherwise the same core headless, with the window served to a browser. Flags after `npm start --` go
// to either one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { displayAvailable, findElectronBinary } from '../electron/main/electronBinary.js';
import { prepareOrExit } from './prepare.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/**
 * npm 11 does not run the electron package's install script (it downloads the binary), so the first
 * `npm start` runs it once; offline it fails within a second and Brook starts headless.
 */
function installElectronBinary(): void {
  const script = `${root}/node_modules/electron/install.js`;
  if (findElectronBinary(root).found || !existsSync(script)) return;
  console.log("Electron's binary is not installed yet: downloading it…");
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, encoding: 'utf8' });
  if (result.status !== 0) console.log(`The download failed: ${result.stderr?.trim().split('\n')[0] ?? result.error?.message ?? 'no answer'}`);
}

/** Why the desktop app cannot start here, or null when it can. */
function whyNoWindow(): { binary: string } | { reason: string } {
  installElectronBinary();
  const electron = findElectronBinary(root);
  if (!electron.found) return { reason: electron.reason };
  const display = displayAvailable();
  if (!display.ok) return { reason: display.reason };
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    return { reason: "running as root: Electron refuses to start as root on Linux unless Chromium's sandbox is turned off, which Brook does not do." };
  }
  if (!existsSync(`${root}/out/main/index.js`)) return { reason: 'out/main/index.js is missing: run `npx electron-vite build` first (npm start does).' };
  return { binary: electron.path };
}

/** Ends the child with the signal this process got, then leaves with the child's exit code. */
function follow(child: ChildProcess): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`Could not start ${child.spawnfile}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startDesktop(binary: string): void {
  console.log('Starting Brook (Electron)…');
  follow(spawn(binary, ['.', ...args], { cwd: root, stdio: 'inherit', windowsHide: false }));
}

function startHeadless(reason: string): void {
  console.log(`Brook's window cannot open here: ${reason}`);
  console.log('Starting Brook headless instead (the same core, no Electron): open the window\'s address, printed below, in a browser.\n');
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli.ts', ...args], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  follow(child);
  // The window's URL, unless the CLI prints it itself right after its "listening on" line.
  let uiShown = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    console.log(line);
    if (line.includes('/ui/')) uiShown = true;
    const listening = /listening on (http:\/\/\S+)/.exec(line);
    if (listening) {
      const ui = `${listening[1]!.replace(/\/$/, '')}/ui/`;
      setTimeout(() => {
        if (!uiShown) console.log(`  Window:  ${ui}  (open this address in a browser)`);
        uiShown = true;
      }, 500).unref();
    }
  });
}

await prepareOrExit();
const target = whyNoWindow();
if ('binary' in target) startDesktop(target.binary);
else startHeadless(target.reason);
