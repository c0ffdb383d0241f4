// Screenshots of a reply streaming and then stopped, on the scripted backend's long reply (the real model's
// greedy text may end after a few words on some CPUs). Kept as artifacts in e2e/artifacts/ (gitignored).
import { expect, test } from '@playwright/test';
import { assistantMessages, createConversation, openConversation, replyText, send, shoot } from '../support/brook.js';

test('screenshots of a reply streaming, then stopped, light and dark', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0 });
  await openConversation(page, id);
  await send(page, '[long] Count for me, please.');
  const long = assistantMessages(page).last();
  await expect.poll(async () => (await replyText(long)).length, { timeout: 60_000 }).toBeGreaterThan(40);
  await shoot(page, '06-streaming');
  await page.getByTestId('stop').click();
  await expect(long).toHaveAttribute('data-status', 'stopped');
  await shoot(page, '07-stopped');
});
