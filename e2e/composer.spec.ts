// Writing while a reply streams: the composer stays editable and focused; Enter queues the message, which is
// sent when the reply ends (or at once with "Stop and send"); Edit takes it back. Real model, any output.
import { expect, test } from '@playwright/test';
import { assistantMessages, createConversation, getConversation, LONG_PROMPT, openConversation, REPLY_TIMEOUT, replyText, send, userMessages, waitForReply } from './support/brook.js';

test.afterEach(async ({ page }) => {
  // Leave no reply running for the next test.
  const stop = page.getByTestId('stop');
  if (await stop.isVisible().catch(() => false)) await stop.click().catch(() => undefined);
  await expect(page.getByTestId('stop')).toBeHidden({ timeout: REPLY_TIMEOUT }).catch(() => undefined);
});

test('type while a reply streams; Enter queues the message, Stop and send sends it', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 2000 });
  await openConversation(page, id);
  await send(page, LONG_PROMPT);
  const first = assistantMessages(page).last();
  await expect(first).toHaveAttribute('data-status', 'streaming');

  const composer = page.getByTestId('composer');
  await expect(composer).toBeFocused();
  await composer.pressSequentially('Thanks. Now say hello.');
  await expect(page.getByTestId('composer-hint')).toContainText('sends when the reply ends');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(page.getByTestId('queued')).toContainText('Now say hello.');
  // Still one question: the queued one waits.
  await expect(userMessages(page)).toHaveCount(1);

  // Edit takes it back into the composer; Enter queues it again.
  await page.getByTestId('queued-edit').click();
  await expect(page.getByTestId('queued')).toBeHidden();
  await expect(composer).toHaveValue('Thanks. Now say hello.');
  await composer.press('Enter');
  await expect(page.getByTestId('queued')).toBeVisible();
  await expect(first).toHaveAttribute('data-status', 'streaming');

  await request.post('/app/settings', { data: { conversationId: id, settings: { max_new_tokens: 12 } } });
  // The model may end its reply by itself any moment (its words differ between machines): then the queued
  // message goes on its own, which is what Stop and send would have done.
  await page.getByTestId('queued-stop').click({ timeout: 5_000 }).catch(() => undefined);
  await expect(first).toHaveAttribute('data-status', /^(stopped|complete)$/, { timeout: REPLY_TIMEOUT });
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).last().getByTestId('message-text')).toHaveText('Thanks. Now say hello.');
  await expect(page.getByTestId('queued')).toBeHidden();
  const second = await waitForReply(page);
  await expect(second).toHaveAttribute('data-status', 'complete');
  expect((await replyText(second)).length).toBeGreaterThan(0);

  const saved = await getConversation(request, id);
  expect(Object.values(saved.messages).filter((m) => m.role === 'user').map((m) => m.content)).toContain('Thanks. Now say hello.');
});

test('a message queued during a reply is sent by itself when the reply ends', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 24 });
  await openConversation(page, id);
  await send(page, 'Tell me about rivers.');
  const composer = page.getByTestId('composer');
  await composer.fill('And lakes?');
  await composer.press('Enter');
  // Either still queued or already sent, if the short reply ended meanwhile: never lost, never sent twice.
  await expect(userMessages(page)).toHaveCount(2, { timeout: REPLY_TIMEOUT });
  await expect(userMessages(page).last().getByTestId('message-text')).toHaveText('And lakes?');
  await waitForReply(page);
  await expect(page.getByTestId('queued')).toBeHidden();
  expect(Object.values((await getConversation(request, id)).messages).filter((m) => m.content === 'And lakes?')).toHaveLength(1);
});
