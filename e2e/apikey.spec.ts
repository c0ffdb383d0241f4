// A Brook started with an API key: the window loads (its files are public) but its app routes need the key,
// which the window asks for once and keeps for the tab.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectModelReady } from './support/brook.js';
import { freePort, startServer } from './support/server.js';

test('with --api-key the window asks for the key, then works', async ({ page, request }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-e2e-key-'));
  const server = await startServer({ port: await freePort(), dataDir, extraArgs: ['--api-key', 'sesame-123'] });
  try {
    expect((await request.get(`${server.url}/app/status`)).status()).toBe(401);
    await page.goto(`${server.url}/ui/`);
    const dialog = page.getByRole('dialog', { name: 'This Brook needs its API key' });
    await expect(dialog).toBeVisible();

    await dialog.getByPlaceholder('API key').fill('wrong');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog).toBeVisible();

    await dialog.getByPlaceholder('API key').fill('sesame-123');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog).toBeHidden();
    await expectModelReady(page);
    await expect(page.getByTestId('endpoint')).toContainText('key required');

    // Kept for the tab: a reload does not ask again.
    await page.reload();
    await expectModelReady(page);
    await expect(dialog).toBeHidden();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
