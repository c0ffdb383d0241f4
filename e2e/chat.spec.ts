// The chat itself in browser mode with the real model: Stop, Regenerate and Edit (branches). How replies stream
// and render (frames, finished blocks, markdown) needs chosen text: e2e/scripted/.
import { expect, test } from '@playwright/test';
import {
  assistantMessages,
  createConversation,
  getConversation,
  LONG_PROMPT,
  openConversation,
  REPLY_TIMEOUT,
  replyText,
  send,
  userMessages,
  waitForReply,
} from './support/brook.js';

test('Stop keeps the partial reply, marked stopped, and the next message is answered', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 2000 });
  await openConversation(page, id);
  await send(page, LONG_PROMPT);

  const reply = assistantMessages(page).last();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  // The composer stays ready to type while the reply streams.
  await expect(page.getByTestId('composer')).toBeEditable();
  await expect(page.getByTestId('composer')).toBeFocused();
  await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(8);
  await page.getByTestId('stop').click();

  await expect(reply).toHaveAttribute('data-status', 'stopped');
  await expect(reply.getByTestId('stopped')).toBeVisible();
  // One "stopped" mark, not a second one among the stats.
  await expect(reply.getByText(/stopped/i)).toHaveCount(1);
  const partial = await replyText(reply);
  expect(partial.length).toBeGreaterThan(8);
  const saved = Object.values((await getConversation(request, id)).messages).find((m) => m.role === 'assistant')!;
  expect(saved.status).toBe('stopped');
  expect(saved.content.length).toBeGreaterThanOrEqual(8);

  // The model is free again: a short follow-up is answered to the end.
  await request.post('/app/settings', { data: { conversationId: id, settings: { max_new_tokens: 12 } } });
  await send(page, 'Thanks. Now say hello.');
  const next = await waitForReply(page);
  await expect(next).toHaveAttribute('data-status', 'complete');
  expect((await replyText(next)).length).toBeGreaterThan(0);
  // The stopped reply is still there, unchanged.
  await expect(assistantMessages(page)).toHaveCount(2);
  expect(await replyText(assistantMessages(page).first())).toBe(partial);
});

test('Regenerate adds version 2 of the reply; both stay reachable with ‹ ›', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 1.2, max_new_tokens: 16 });
  await openConversation(page, id);
  await send(page, 'Name a color.');
  const first = await waitForReply(page);
  const firstId = await first.getAttribute('data-message-id');
  const firstText = await replyText(first);

  await first.getByRole('button', { name: 'Regenerate' }).click();
  await expect(assistantMessages(page).last()).not.toHaveAttribute('data-message-id', firstId!);
  const second = await waitForReply(page);
  const secondId = await second.getAttribute('data-message-id');
  await expect(second.getByTestId('branch-position')).toHaveText('2/2');

  await second.getByRole('button', { name: 'Previous version' }).click();
  const back = assistantMessages(page).last();
  await expect(back).toHaveAttribute('data-message-id', firstId!);
  await expect(back.getByTestId('branch-position')).toHaveText('1/2');
  expect(await replyText(back)).toBe(firstText);

  await back.getByRole('button', { name: 'Next version' }).click();
  await expect(assistantMessages(page).last()).toHaveAttribute('data-message-id', secondId!);
  await expect(assistantMessages(page).last().getByTestId('branch-position')).toHaveText('2/2');

  // Saved as siblings under the same user message.
  const conversation = await getConversation(request, id);
  const replies = Object.values(conversation.messages).filter((m) => m.role === 'assistant');
  expect(replies).toHaveLength(2);
  expect(new Set(replies.map((m) => m.parentId)).size).toBe(1);
});

test('editing a message sends it as a new branch; the original stays reachable', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 12 });
  await openConversation(page, id);
  await send(page, 'What is the capital of France?');
  const original = await waitForReply(page);
  const originalReply = await replyText(original);

  const question = userMessages(page).last();
  await question.hover();
  await question.getByRole('button', { name: 'Edit message' }).click();
  const editor = page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('What is the capital of Italy?');
  await editor.press('Enter');

  await expect(userMessages(page).last().getByTestId('message-text')).toHaveText('What is the capital of Italy?');
  await expect(userMessages(page).last().getByTestId('branch-position')).toHaveText('2/2');
  await waitForReply(page);
  await expect(assistantMessages(page)).toHaveCount(1);

  await userMessages(page).last().getByRole('button', { name: 'Previous version' }).click();
  await expect(userMessages(page).last().getByTestId('message-text')).toHaveText('What is the capital of France?');
  await expect(userMessages(page).last().getByTestId('branch-position')).toHaveText('1/2');
  expect(await replyText(assistantMessages(page).last())).toBe(originalReply);

  const conversation = await getConversation(request, id);
  const roots = Object.values(conversation.messages).filter((m) => m.parentId === null);
  expect(roots.map((m) => m.content).sort()).toEqual(['What is the capital of France?', 'What is the capital of Italy?']);
});
