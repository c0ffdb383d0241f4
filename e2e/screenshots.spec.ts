// Screenshots of the window's main states, light and dark, kept as artifacts in e2e/artifacts/ (gitignored).
import { expect, test } from '@playwright/test';
import { createConversation, openApp, openConversation, send, shoot, waitForReply } from './support/brook.js';

test('screenshots of the main states, light and dark', async ({ page, request }) => {
  test.setTimeout(360_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);
  await shoot(page, '01-empty');

  const id = await createConversation(request, { temperature: 0, max_new_tokens: 160 });
  await openConversation(page, id);
  await send(page, 'Write a Python function that checks whether a word is a palindrome.');
  await waitForReply(page);
  await shoot(page, '02-reply');

  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('settings')).toBeVisible();
  await shoot(page, '03-settings');
  // Token alternatives on for the next reply.
  await page.getByText('Token alternatives').click();
  await expect(page.getByTestId('setting-token-alternatives')).toBeChecked();
  await page.getByTestId('settings-toggle').click();

  await page.getByTestId('model-status').click();
  await expect(page.getByRole('dialog', { name: 'Model' })).toBeVisible();
  await shoot(page, '04-model');
  await page.getByTestId('model-status').click();

  await request.post('/app/settings', { data: { conversationId: id, settings: { max_new_tokens: 40 } } });
  await send(page, 'Now write a haiku about rivers.');
  const haiku = await waitForReply(page);
  await haiku.getByRole('button', { name: 'Show tokens and probabilities' }).click();
  await haiku.locator('[data-testid=token-view] [data-i]').nth(4).hover();
  await expect(page.getByTestId('token-popover')).toBeVisible();
  await shoot(page, '05-tokens');
  await page.mouse.move(0, 0);

  // Streaming and stopped: e2e/scripted/screenshots.spec.ts, on a reply long enough on every CPU.

  // An inline error: the chat was deleted elsewhere (another tab) before this message was sent.
  await request.delete(`/app/conversations/${id}`);
  await send(page, 'Are you still there?', { expectReply: false });
  await expect(page.getByTestId('error')).toBeVisible();
  await shoot(page, '08-error');

  // The toggle overrides the system preference.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
