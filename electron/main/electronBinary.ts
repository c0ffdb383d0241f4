// Where the Electron executable of node_modules/electron is, without `require('electron')`: that require
// starts a download when the binary is missing (electron ≥ 42), which hangs or fails offline.
// Used by scripts/start.ts and e2e/electron.spec.ts; plain Node, no Electron.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/** Finds the installed Electron binary; when there is none, says why in words for the user. */
export function findElectronBinary(from: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(from, 'noop.js')).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed (run `npm install`).' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(path) ? { found: true, path } : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${path} does not exist.` };
  }
  if (!relative) {
    return {
      found: false,
      reason:
        'no Electron binary is installed (node_modules/electron has no path.txt and no dist/). The electron package downloads it in its ' +
        'install script, which npm 11 runs only when allowed, and which needs to reach GitHub or an ELECTRON_MIRROR. ' +
        'To install it where a download is possible: `node node_modules/electron/install.js`.',
    };
  }
  const path = join(packageDir, 'dist', relative);
  if (!existsSync(path)) {
    return { found: false, reason: `the Electron binary ${path} is missing (its download did not finish). Run \`node node_modules/electron/install.js\` again.` };
  }
  return { found: true, path };
}

/** Whether a window can be shown: a display on Linux and the BSDs; always on macOS and Windows. */
export function displayAvailable(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): { ok: true } | { ok: false; reason: string } {
  if (platform === 'darwin' || platform === 'win32') return { ok: true };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { ok: true };
  return { ok: false, reason: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set (a desktop session, or xvfb-run, provides one).' };
}
