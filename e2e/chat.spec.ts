// The chat itself in browser mode: streaming, Stop, Regenerate and Edit (branches), with the real model.
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

test('the reply grows token by token, at most one DOM update per frame, finished blocks untouched', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 150 });
  await openConversation(page, id);

  // Watch the reply from the page: its length at every animation frame, DOM updates per frame, and whether a
  // finished markdown block is ever written again.
  await page.evaluate(() => {
    type Watch = { lengths: number[]; updatesPerFrame: number[]; blockRewrites: number; frozenWhileStreaming: number; firstBlockKept: boolean; done: boolean };
    const watch: Watch = { lengths: [], updatesPerFrame: [], blockRewrites: 0, frozenWhileStreaming: 0, firstBlockKept: false, done: false };
    let firstBlock: Element | null = null;
    (window as unknown as { __watch: Watch }).__watch = watch;
    let updates = 0;
    const seenAt = new WeakMap<Element, number>();
    let frame = 0;
    const observer = new MutationObserver((records) => {
      const replies = document.querySelectorAll('[data-testid=message][data-role=assistant]');
      const reply = replies[replies.length - 1];
      if (!reply || !records.some((r) => reply.contains(r.target))) return;
      updates += 1;
      for (const record of records) {
        const block = (record.target instanceof Element ? record.target : record.target.parentElement)?.closest('.markdown > .block');
        if (block && !block.classList.contains('tail') && (seenAt.get(block) ?? frame) < frame) watch.blockRewrites += 1;
      }
    });
    observer.observe(document.querySelector('[data-testid=messages]')!, { childList: true, subtree: true, characterData: true });
    const tick = () => {
      frame += 1;
      const replies = document.querySelectorAll<HTMLElement>('[data-testid=message][data-role=assistant]');
      const reply = replies[replies.length - 1];
      const frozen = reply?.querySelectorAll('.markdown > .block:not(.tail)') ?? [];
      frozen.forEach((block) => {
        if (!seenAt.has(block)) seenAt.set(block, frame);
      });
      if (reply?.dataset.status === 'streaming') firstBlock ??= frozen[0] ?? null;
      if (reply?.dataset.status === 'streaming') watch.frozenWhileStreaming = Math.max(watch.frozenWhileStreaming, frozen.length);
      watch.updatesPerFrame.push(updates);
      updates = 0;
      if (reply) watch.lengths.push(reply.querySelector('[data-testid=message-text]')!.textContent!.length);
      if (reply && reply.dataset.status !== 'streaming') {
        // The first block finished while streaming is the same element at the end: never rebuilt.
        watch.firstBlockKept = firstBlock !== null && firstBlock.isConnected && reply.contains(firstBlock);
        watch.done = true;
        observer.disconnect();
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

  await send(page, 'Write a short story in three paragraphs about a river.');
  await page.waitForFunction(() => (window as unknown as { __watch: { done: boolean } }).__watch.done, null, { timeout: REPLY_TIMEOUT });
  const watch = await page.evaluate(() => (window as unknown as { __watch: { lengths: number[]; updatesPerFrame: number[]; blockRewrites: number; frozenWhileStreaming: number; firstBlockKept: boolean } }).__watch);

  const growth = watch.lengths.filter((length, i) => i > 0 && length > watch.lengths[i - 1]!);
  expect(growth.length, `text lengths by frame: ${watch.lengths.join(',')}`).toBeGreaterThanOrEqual(5);
  expect(Math.max(...watch.updatesPerFrame)).toBeLessThanOrEqual(1);
  // Paragraphs that were finished while the reply went on were rendered once and never written again.
  expect(watch.frozenWhileStreaming, 'blocks finished before the reply ended').toBeGreaterThanOrEqual(1);
  expect(watch.blockRewrites).toBe(0);
  expect(watch.firstBlockKept).toBe(true);

  const reply = assistantMessages(page).last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply.getByTestId('reply-stats')).toContainText('tok/s');
  await expect(reply.getByTestId('reply-stats')).toContainText('to first token');
  // What is on screen is what was saved.
  const saved = Object.values((await getConversation(request, id)).messages).find((m) => m.role === 'assistant')!;
  expect(saved.status).toBe('complete');
  expect(saved.stats?.tokens).toBeGreaterThan(0);
});

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
