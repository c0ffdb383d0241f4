// A long message is read by the model in steps before the reply starts: the window says how far it is,
// instead of three dots for many seconds. Real model; holds for any output.
import { expect, test } from '@playwright/test';
import { assistantMessages, createConversation, openConversation, REPLY_TIMEOUT, send, waitForReply } from './support/brook.js';

/** About 1,500 tokens of notes: several steps of reading on any CPU. */
const LONG_NOTES =
  Array.from({ length: 120 }, (_, i) => `Note ${i + 1}: the ${['north', 'east', 'south', 'west'][i % 4]} field got ${(i * 7) % 13} loads of hay.`).join('\n') +
  '\nWhich field got the most hay?';

test('a long message shows how much of it has been read, then the reply', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 8 });
  await openConversation(page, id);
  await send(page, LONG_NOTES);
  const progress = page.getByTestId('prompt-progress');
  await expect(progress).toBeVisible({ timeout: REPLY_TIMEOUT });
  await expect(progress).toHaveAccessibleName('Reading your message');
  await expect(progress).toContainText(/Reading your message… \d+%/);
  const percent = Number(await progress.getAttribute('aria-valuenow'));
  expect(percent).toBeGreaterThan(0);
  expect(percent).toBeLessThan(100);
  await waitForReply(page);
  await expect(progress).toBeHidden();
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /complete|stopped/);
});
