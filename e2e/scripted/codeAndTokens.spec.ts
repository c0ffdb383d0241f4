// Code blocks and the token view with chosen text (a reply with a Python block from e2e/support/script.json),
// so they are tested the same on every CPU; the real model's greedy text differs between machines.
import { expect, test } from '@playwright/test';
import { createConversation, getConversation, openConversation, send, waitForReply } from '../support/brook.js';

test('code blocks are highlighted and copied; hovering a token shows its log-probability and alternatives', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = await createConversation(request, { temperature: 0 });
  await openConversation(page, id);
  await page.getByTestId('settings-toggle').click();
  await page.getByText('Token alternatives').click();
  await page.getByTestId('settings-toggle').click();
  await send(page, '[markdown] Show me a palindrome check in Python.');
  const reply = await waitForReply(page);

  const code = reply.locator('.code-block').first();
  await expect(code).toBeVisible();
  await expect(code.locator('code.hljs span').first()).toBeAttached();
  await code.getByRole('button', { name: 'Copy code' }).click();
  await expect(code.getByRole('button', { name: 'Copy code' })).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await code.locator('code').innerText());
  expect(copied).toContain('def is_palindrome(word):');

  await reply.getByRole('button', { name: 'Show tokens and probabilities' }).click();
  const tokens = reply.locator('[data-testid=token-view] [data-i]');
  expect(await tokens.count()).toBeGreaterThan(5);
  // " A" of the "## A poem" heading: a word, not a newline (which has no box to hover).
  await tokens.nth(1).hover();
  const popover = page.getByTestId('token-popover');
  await expect(popover).toContainText('log-probability');
  await expect(popover).toContainText('Alternatives');
  expect(await popover.locator('li').count()).toBeGreaterThanOrEqual(2);
  // Saved with the reply: the alternatives are there after a reload too.
  const saved = Object.values((await getConversation(request, id)).messages).find((m) => m.role === 'assistant')!;
  expect(saved.tokens?.[0]?.top?.length).toBeGreaterThan(0);
});
