import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { displayAvailable, findElectronBinary } from './electronBinary.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder with node_modules/electron as npm leaves it, before or after the binary download. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'brook-electron-'));
  dirs.push(root);
  const pkg = join(root, 'node_modules', 'electron');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0', main: 'index.js' }));
  // index.js would download the binary on require: it must never be loaded.
  writeFileSync(join(pkg, 'index.js'), "throw new Error('required electron/index.js');");
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(pkg, name), content);
    if (name.startsWith('dist/')) chmodSync(join(pkg, name), 0o755);
  }
  return root;
}

describe('findElectronBinary', () => {
  it('says why when the install script never ran (no path.txt)', () => {
    const result = findElectronBinary(project({}), {});
    expect(result.found).toBe(false);
    expect(!result.found && result.reason).toMatch(/no Electron binary is installed.*install script/);
  });

  it('says why when the download did not finish', () => {
    const result = findElectronBinary(project({ 'path.txt': 'electron' }), {});
    expect(!result.found && result.reason).toMatch(/is missing/);
  });

  it('finds the binary that path.txt names', () => {
    const root = project({ 'path.txt': 'electron', 'dist/electron': '#!/bin/sh\n' });
    expect(findElectronBinary(root, {})).toEqual({ found: true, path: join(root, 'node_modules', 'electron', 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const root = project({ 'path.txt': 'electron' });
    const override = mkdtempSync(join(tmpdir(), 'brook-electron-dist-'));
    dirs.push(override);
    writeFileSync(join(override, 'electron'), '');
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ found: true, path: join(override, 'electron') });
  });

  it('says so when the electron package is not installed at all', () => {
    const root = mkdtempSync(join(tmpdir(), 'brook-no-electron-'));
    dirs.push(root);
    const result = findElectronBinary(root, {});
    expect(!result.found && result.reason).toMatch(/not installed/);
  });
});

describe('displayAvailable', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux, nothing on macOS and Windows', () => {
    expect(displayAvailable('linux', {}).ok).toBe(false);
    expect(displayAvailable('linux', { DISPLAY: ':99' }).ok).toBe(true);
    expect(displayAvailable('linux', { WAYLAND_DISPLAY: 'wayland-0' }).ok).toBe(true);
    expect(displayAvailable('darwin', {}).ok).toBe(true);
    expect(displayAvailable('win32', {}).ok).toBe(true);
  });
});
