// How replies stream and render, with chosen text (the scripted backend: e2e/support/script.json, replies
// picked by a tag in the question, at a chosen pace): at most one DOM update per frame, finished blocks never
// written again, markdown with line breaks and math while it streams, Stop mid-reply, queued messages, versions.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
  assistantMessages,
  createConversation,
  getConversation,
  openConversation,
  REPLY_TIMEOUT,
  replyText,
  send,
  userMessages,
  waitForReply,
} from '../support/brook.js';

const script = JSON.parse(readFileSync(new URL('../support/script.json', import.meta.url), 'utf8')) as { replies: { when: string; text: string }[] };
const scripted = (tag: string) => script.replies.find((reply) => reply.when === tag)!.text;

test.afterEach(async ({ page }) => {
  // Leave no reply running for the next test.
  const stop = page.getByTestId('stop');
  if (await stop.isVisible().catch(() => false)) await stop.click().catch(() => undefined);
  await expect(stop).toBeHidden({ timeout: REPLY_TIMEOUT }).catch(() => undefined);
});

test('the reply grows token by token, at most one DOM update per frame, finished blocks untouched', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 1000 });
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

  await send(page, '[story] Write a short story about a river.');
  await page.waitForFunction(() => (window as unknown as { __watch: { done: boolean } }).__watch.done, null, { timeout: REPLY_TIMEOUT });
  const watch = await page.evaluate(() => (window as unknown as { __watch: { lengths: number[]; updatesPerFrame: number[]; blockRewrites: number; frozenWhileStreaming: number; firstBlockKept: boolean } }).__watch);

  const growth = watch.lengths.filter((length, i) => i > 0 && length > watch.lengths[i - 1]!);
  expect(growth.length, `text lengths by frame: ${watch.lengths.join(',')}`).toBeGreaterThanOrEqual(5);
  expect(Math.max(...watch.updatesPerFrame)).toBeLessThanOrEqual(1);
  // Paragraphs that were finished while the reply went on were rendered once and never written again.
  // The script's story has four paragraphs: three are finished while the fourth is written.
  expect(watch.frozenWhileStreaming, 'blocks finished before the reply ended').toBeGreaterThanOrEqual(3);
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

test('markdown streams into line breaks, math and code; what is on screen is what was scripted', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 1000 });
  await openConversation(page, id);
  await send(page, '[markdown] Show me some formatting.');
  const reply = assistantMessages(page).last();
  // While it streams the finished blocks are already formatted.
  await expect(reply.locator('h2')).toHaveText('A poem');
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await waitForReply(page);
  await expect(reply).toHaveAttribute('data-status', 'complete');
  const text = reply.getByTestId('message-text');
  await expect(text.locator('p').first().locator('br')).toHaveCount(2);
  await expect(text.locator('.katex')).toHaveCount(3);
  await expect(text.locator('.katex-display')).toHaveCount(1);
  await expect(text).toContainText('it costs $5 and $10.');
  await expect(text.locator('.code-block pre')).toHaveAttribute('tabindex', '0');
  await expect(text.locator('li')).toHaveCount(2);
  const saved = Object.values((await getConversation(request, id)).messages).find((m) => m.role === 'assistant')!;
  expect(saved.content.trim()).toBe(scripted('[markdown]').trim());
});

test('Stop mid-reply keeps exactly what was written, marked stopped once', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 4000 });
  await openConversation(page, id);
  await send(page, '[long] Count for me.');
  const reply = assistantMessages(page).last();
  await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(40);
  await page.getByTestId('stop').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  await expect(reply.getByText(/stopped/i)).toHaveCount(1);
  const partial = await replyText(reply);
  expect(scripted('[long]').startsWith(partial.replace(/\s+$/, ''))).toBe(true);
  expect(partial.length).toBeLessThan(scripted('[long]').length);
});

test('a message written during a reply waits for it, then goes by itself; Stop and send sends at once', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 4000 });
  await openConversation(page, id);
  await send(page, '[story] A river story, please.');
  const composer = page.getByTestId('composer');
  await expect(composer).toBeFocused();
  await composer.pressSequentially('[short] Thanks!');
  await composer.press('Enter');
  await expect(page.getByTestId('queued')).toContainText('[short] Thanks!');
  await expect(userMessages(page)).toHaveCount(1);
  // The story ends by itself; the queued message follows.
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete', { timeout: REPLY_TIMEOUT });
  await expect(userMessages(page)).toHaveCount(2);
  await expect(page.getByTestId('queued')).toBeHidden();
  expect(await replyText(await waitForReply(page))).toBe(scripted('[short]'));

  await send(page, '[long] Count again.');
  await composer.fill('[short] Enough.');
  await composer.press('Enter');
  await page.getByTestId('queued-stop').click();
  await expect(assistantMessages(page).nth(2)).toHaveAttribute('data-status', 'stopped');
  await expect(userMessages(page).last().getByTestId('message-text')).toHaveText('[short] Enough.');
  expect(await replyText(await waitForReply(page))).toBe(scripted('[short]'));
});

test('Regenerate makes version 2/2; the sidebar preview follows the version shown', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 100 });
  await openConversation(page, id);
  await send(page, '[short] Hi');
  const first = await waitForReply(page);
  await first.getByRole('button', { name: 'Regenerate' }).click();
  const second = assistantMessages(page).last();
  await expect(second.getByTestId('branch-position')).toHaveText('2/2');
  await expect(second.getByTestId('branch-position')).toHaveAttribute('aria-label', 'Version 2 of 2');
  await waitForReply(page);
  await userMessages(page).last().hover();
  await userMessages(page).last().getByRole('button', { name: 'Edit message' }).click();
  await page.getByRole('textbox', { name: 'Edit message' }).fill('A question with no tag');
  await page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  await waitForReply(page);
  const item = page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`);
  await expect(item).toContainText('A short scripted reply.');
  await userMessages(page).last().getByRole('button', { name: 'Previous version' }).click();
  await expect(item).toContainText('Hello there.');
});

test('screen readers hear the reply a finished sentence at a time, then that it ended', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 1000 });
  await openConversation(page, id);
  const said: string[] = [];
  await page.exposeFunction('__said', (text: string) => said.push(text));
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid=announcer]')!;
    new MutationObserver(() => (window as unknown as { __said: (t: string) => void }).__said(region.textContent ?? '')).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await send(page, '[story] Tell me a story.');
  await waitForReply(page);
  await expect.poll(() => said.at(-1) ?? '').toMatch(/Reply finished\.$/);
  const spoken = said.filter((text) => text.trim() !== '');
  // Whole sentences, never single tokens: every announcement but the last ends a sentence.
  expect(spoken.length).toBeGreaterThan(3);
  for (const text of spoken.slice(0, -1)) expect(text.trim()).toMatch(/[.!?…]$/);
  expect(spoken.length).toBeLessThan(scripted('[story]').split(/\s+/).length / 3);
});

test('the context meter counts the next prompt and warns before a message that cannot fit', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 100 });
  await openConversation(page, id);
  const meter = page.getByTestId('context-meter');
  await expect(meter).toContainText('tokens');
  const used = async () => Number((await meter.getByRole('meter').getAttribute('aria-valuenow')) ?? 'NaN');
  const empty = await used();
  await page.getByTestId('composer').fill('A few more words to count.');
  await expect.poll(used).toBeGreaterThan(empty);
  // More than the context holds: counted all the same, so the meter and the warning say by how much, before
  // sending; Enter does not send it.
  await page.getByTestId('composer').fill('word '.repeat(5_000));
  await expect(meter).toContainText(/[\d,]+ \/ 4,096 tokens — too long/);
  expect(Number(/([\d,]+) \//.exec(await meter.innerText())![1]!.replace(/,/g, ''))).toBeGreaterThan(5_000);
  await expect(page.getByTestId('context-warning')).toContainText(/does not fit: [\d,]+ tokens over the model's context\s+of\s+4,096\./);
  await expect(page.getByTestId('send')).toBeDisabled();
  await page.getByTestId('composer').press('Enter');
  await expect(userMessages(page)).toHaveCount(0);
  // Far more characters than any prompt that fits: not counted (that would stall Brook), and said so.
  await page.getByTestId('composer').fill('word '.repeat(20_000));
  await expect(meter).toContainText('over 4,096 tokens — too long to count');
  await expect(page.getByTestId('context-warning')).toContainText(/far too long[^]*\s100,0\d\d\s+characters,\s+where\s+at\s+most\s+65,520\s+could\s+fit/);
  await expect(page.getByTestId('send')).toBeDisabled();
  await page.getByTestId('composer').fill('[short] Hi');
  await expect(page.getByTestId('context-warning')).toBeHidden();
});

test('Continue after Stop goes on in the same reply', async ({ page, request }) => {
  test.setTimeout(360_000);
  const id = await createConversation(request, { max_new_tokens: 4000 });
  await openConversation(page, id);
  await send(page, '[long] Count for me.');
  const reply = assistantMessages(page).last();
  await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(20);
  await page.getByTestId('stop').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  const partial = await replyText(reply);
  await reply.getByTestId('continue').click();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(partial.length + 10);
  expect((await replyText(reply)).startsWith(partial.slice(0, 20))).toBe(true);
  await page.getByTestId('stop').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped', { timeout: REPLY_TIMEOUT });
  await expect(assistantMessages(page)).toHaveCount(1);
});

test('after the first reply the model gives the chat a short title, shown in the header and the list', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 100 });
  await openConversation(page, id);
  await send(page, '[short] Hi');
  await waitForReply(page);
  // Not the first words of the question any more (what the chat was named at first).
  await expect.poll(async () => (await getConversation(request, id)).title, { timeout: 30_000 }).not.toMatch(/^(New chat|\[short\] Hi)$/);
  const title = (await getConversation(request, id)).title;
  await expect(page.getByTestId('chat-title')).toHaveText(title);
  await expect(page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`)).toContainText(title);
});
