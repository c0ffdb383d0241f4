// Browser-mode e2e: the headless server (electron/cli.ts) with the real model serves the built window at
// /ui/ (`electron-vite build` first: `npm test` does it). Debian's Chromium; no test downloads a browser.
// The Electron spec (e2e/electron.spec.ts) has its own project: it starts the desktop app itself.
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium.js';

/** A port nobody listens on now (asked of the OS, synchronously: the config is read by every worker). */
function freePort(): string {
  return execFileSync(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: 'utf8' },
  ).trim();
}

// Chosen once by the runner; workers inherit them through the environment and read the same values.
process.env.BROOK_E2E_PORT ??= freePort();
process.env.BROOK_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'brook-e2e-'));
process.env.BROOK_E2E_SCRIPTED_PORT ??= freePort();
process.env.BROOK_E2E_SCRIPTED_DATA ??= mkdtempSync(join(tmpdir(), 'brook-e2e-scripted-'));
const port = process.env.BROOK_E2E_PORT;
const dataDir = process.env.BROOK_E2E_DATA;
const scriptedPort = process.env.BROOK_E2E_SCRIPTED_PORT;
const scriptedDataDir = process.env.BROOK_E2E_SCRIPTED_DATA;

const chromium = {
  browserName: 'chromium' as const,
  headless: true,
  viewport: { width: 1280, height: 800 },
  launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  trace: 'retain-on-failure' as const,
  screenshot: 'only-on-failure' as const,
};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // One model on a small machine: specs run one after another against one server.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  projects: [
    {
      // The window against the real model: what holds for any text the model writes.
      name: 'browser',
      testIgnore: [/electron\.spec\.ts$/, /scripted\//],
      use: { ...chromium, baseURL: `http://127.0.0.1:${port}` },
    },
    {
      // The window against the scripted backend (e2e/support/script.json): rendering that needs particular text
      // (finished blocks, markdown, math, long replies, Stop mid-reply), the same on every CPU.
      name: 'scripted',
      testMatch: /scripted\/.*\.spec\.ts$/,
      use: { ...chromium, baseURL: `http://127.0.0.1:${scriptedPort}` },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
  webServer: [
    {
      command: `node --import tsx electron/cli.ts --port ${port} --data-dir ${dataDir} --parallel 2`,
      // 200 once the model is loaded (424 while it loads).
      url: `http://127.0.0.1:${port}/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      command: `node --import tsx electron/cli.ts --port ${scriptedPort} --data-dir ${scriptedDataDir} --scripted e2e/support/script.json`,
      url: `http://127.0.0.1:${scriptedPort}/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
