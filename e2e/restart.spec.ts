// Conversations are files in the data folder: they survive Brook stopping and starting again.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assistantMessages, expectModelReady, send, userMessages, waitForReply } from './support/brook.js';
import { freePort, startServer, type RunningServer } from './support/server.js';

test('conversations survive a server restart', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-e2e-restart-'));
  const port = await freePort();
  let server: RunningServer | null = await startServer({ port, dataDir });
  try {
    await page.goto(`${server.url}/ui/`);
    await expectModelReady(page);
    // Short replies: the first message answered, then a second turn.
    await page.getByTestId('settings-toggle').click();
    await page.getByTestId('setting-max-new-tokens').fill('10');
    await page.getByTestId('setting-max-new-tokens').press('Tab');
    await expect(page.getByTestId('settings')).toContainText('Saved');
    await page.getByTestId('settings-toggle').click();
    await send(page, 'Remember the word pelican.');
    await waitForReply(page);
    await send(page, 'Which word?');
    const reply = await waitForReply(page);
    const replyText = await reply.getByTestId('message-text').innerText();
    const id = new URL(page.url()).hash.slice(1);
    expect(id).not.toBe('');

    await server.stop();
    const banner = page.getByTestId('connection-lost');
    await expect(banner).toBeVisible();
    // Retry while Brook is still away tries again without reloading the window: what the page holds survives.
    await page.evaluate(() => ((window as { brookRetryMarker?: string }).brookRetryMarker = 'kept'));
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await expect(banner).toBeVisible();

    server = await startServer({ port, dataDir });
    // The window reconnects by itself, still the same page...
    await expect(banner).toBeHidden({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as { brookRetryMarker?: string }).brookRetryMarker)).toBe('kept');
    await expect(userMessages(page)).toHaveText(['Remember the word pelican.', 'Which word?']);
    // ...and a reload opens the same conversation from the files.
    await page.reload();
    await expectModelReady(page);
    // (Its title is the model's own after the first reply, so only its presence is checked here.)
    await expect(page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`)).toBeVisible();
    await expect(userMessages(page)).toHaveText(['Remember the word pelican.', 'Which word?']);
    await expect(assistantMessages(page)).toHaveCount(2);
    await expect(assistantMessages(page).last().getByTestId('message-text')).toHaveText(replyText);
    await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete');
    // And it goes on where it was.
    await send(page, 'Thank you.');
    await expect(await waitForReply(page)).toHaveAttribute('data-status', 'complete');
    await expect(assistantMessages(page)).toHaveCount(3);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
