// What people reach for, and states that tell the truth: settings on a new chat, out-of-range values, the
// draft and the last chat after a reload, delete with Undo, search that marks and jumps, Jump to latest,
// long questions folded, a failed reply offering Edit, honest stats, and Brook gone.
import { expect, test, type Page } from '@playwright/test';
import type { ConversationSummary } from '../electron/core/wire/chats.js';
import { assistantMessages, createConversation, openApp, openConversation, plantConversation, userMessages } from './support/brook.js';

async function conversationIds(page: Page): Promise<string[]> {
  const response = await page.request.get('/app/conversations');
  return ((await response.json()) as ConversationSummary[]).map((c) => c.id);
}

test('settings on a new chat create no conversation; out-of-range values say so and are not saved', async ({ page }) => {
  await openApp(page);
  const before = await conversationIds(page);
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-temperature').fill('0.3');
  await page.getByTestId('setting-temperature').press('Tab');
  await expect(page.getByTestId('setting-temperature')).toHaveValue('0.3');
  await page.getByTestId('setting-top-k').fill('-5');
  await page.getByTestId('setting-top-k').press('Tab');
  await expect(page.getByTestId('invalid-top_k')).toContainText('Between');
  await expect(page.getByTestId('setting-top-k')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('setting-top-k')).toHaveValue('-5');
  await page.getByTestId('setting-top-k').fill('20');
  await page.getByTestId('setting-top-k').press('Tab');
  await expect(page.getByTestId('invalid-top_k')).toHaveCount(0);
  expect(await conversationIds(page)).toEqual(before);
});

test('the draft survives a reload, and the app reopens the last chat', async ({ page, request }) => {
  const id = await createConversation(request);
  await request.post('/app/rename', { data: { conversationId: id, title: `Reopened ${Date.now().toString(36)}` } });
  await openConversation(page, id);
  await page.getByTestId('composer').fill('Half a thought');
  await page.goto('/ui/');
  await expect(page.getByTestId('composer')).toHaveValue('Half a thought');
  await expect(page).toHaveURL(new RegExp(`#${id}$`));
  await expect(page.locator(`[data-testid=conversation][data-conversation-id="${id}"] [aria-current=page]`)).toBeVisible();
});

test('delete offers Undo; without it the chat is deleted', async ({ page, request }) => {
  const id = await createConversation(request);
  await request.post('/app/rename', { data: { conversationId: id, title: `Doomed ${Date.now().toString(36)}` } });
  await openApp(page);
  const item = page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`);
  const remove = async () => {
    await item.hover();
    await item.getByTestId('conversation-menu').click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
  };
  await remove();
  await expect(item).toBeHidden();
  await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
  await expect(item).toBeVisible();
  expect((await request.get(`/app/conversations/${id}`)).status()).toBe(200);

  await remove();
  await expect(item).toBeHidden();
  await expect(page.getByTestId('undo-toast')).toBeHidden({ timeout: 15_000 });
  await expect.poll(async () => (await request.get(`/app/conversations/${id}`)).status()).toBe(404);
});

test('search marks its matches and jumps to the message; Jump to latest brings the end back', async ({ page }) => {
  const turns = Array.from({ length: 14 }, (_, i) => ({ question: `Question ${i}`, answer: `Answer ${i}.\n\n${'Some filler text. '.repeat(20)}` }));
  turns[2]!.question = 'Tell me about Zanzibar spices';
  const id = `planted${Date.now().toString(36)}`;
  const summary: ConversationSummary = { id, title: 'Spice notes', updatedAt: Date.now(), preview: 'About Zanzibar and more' };
  await page.route((url) => url.pathname.endsWith('/app/conversations'), (route) =>
    route.request().method() === 'GET' ? route.fulfill({ json: [summary] }) : route.fallback(),
  );
  await plantConversation(page, turns, id);
  await page.getByTestId('new-chat').click();
  await page.getByTestId('search').fill('zanzibar');
  const item = page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`);
  await expect(item.locator('mark')).toHaveCount(1);
  await expect(item.locator('mark')).toHaveText('Zanzibar');
  await item.locator('button.open').click();
  const found = userMessages(page).nth(2);
  await expect(found).toHaveClass(/found/);
  await expect(found).toBeInViewport();

  // Scrolled up: a button brings the end back.
  await expect(page.getByTestId('jump-to-latest')).toBeVisible();
  await page.getByTestId('jump-to-latest').click();
  await expect(assistantMessages(page).last()).toBeInViewport();
  await expect(page.getByTestId('jump-to-latest')).toBeHidden();
});

test('long questions fold; a failed reply offers Edit and no stats; "1 token" without a speed', async ({ page }) => {
  await plantConversation(page, [
    { question: 'Line\n'.repeat(40) + 'The end of a pasted document', answer: 'Ok.', stats: { firstTokenMs: 80, tokensPerSecond: 0, tokens: 1, finishReason: 'eos_token' } },
    {
      question: 'A question far too long for the context',
      answer: '',
      status: 'error',
      error: 'The conversation is too long for the context (2048 tokens).',
      stats: { firstTokenMs: 0, tokensPerSecond: 0, tokens: 0, finishReason: 'error' },
    },
  ]);
  const long = userMessages(page).first();
  await expect(long.getByTestId('message-fold')).toHaveText('Show all');
  expect(await long.getByTestId('message-text').evaluate((el) => el.clientHeight < el.scrollHeight)).toBe(true);
  await long.getByTestId('message-fold').click();
  await expect(long.getByTestId('message-fold')).toHaveText('Show less');

  const stats = assistantMessages(page).first().getByTestId('reply-stats');
  await expect(stats).toContainText('1 token');
  await expect(stats).not.toContainText('tokens');
  await expect(stats).not.toContainText('tok/s');

  const failed = assistantMessages(page).last();
  await expect(failed.getByTestId('reply-stats')).toHaveCount(0);
  await failed.getByRole('button', { name: 'Edit message' }).click();
  await expect(page.getByRole('textbox', { name: 'Edit message' })).toHaveValue('A question far too long for the context');
});

test('with Brook gone the model chip and the Local API badge say so, and Retry is offered in plain words', async ({ page }) => {
  // Brook's event stream cannot be opened: the window cannot know what Brook is doing.
  await page.route('**/app/events', (route) => route.abort());
  await page.goto('/ui/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-phase', 'offline', { timeout: 60_000 });
  await expect(page.getByTestId('model-status')).toContainText('Not reachable');
  await expect(page.getByTestId('endpoint')).toContainText('not reachable');
  const banner = page.getByTestId('connection-lost');
  await expect(banner).toContainText('Brook is not answering');
  await expect(banner).not.toContainText('npm');
  await expect(banner.getByRole('button', { name: 'Retry now' })).toBeVisible();
  // Retry tries again without reloading the window (what the page holds survives); once Brook answers again,
  // the states follow by themselves.
  await page.evaluate(() => ((window as { brookRetryMarker?: string }).brookRetryMarker = 'kept'));
  await banner.getByRole('button', { name: 'Retry now' }).click();
  await expect(banner).toBeVisible();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-phase', /^(ready|generating)$/, { timeout: 60_000 });
  await expect(banner).toBeHidden();
  expect(await page.evaluate(() => (window as { brookRetryMarker?: string }).brookRetryMarker)).toBe('kept');
});

test('named presets apply to a chat; defaults for new chats are what a new chat is created with', async ({ page, request }) => {
  await openApp(page);
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-system-prompt').fill('You answer like a pirate.');
  await page.getByTestId('setting-temperature').fill('0.2');
  await page.getByTestId('setting-temperature').press('Tab');
  await page.getByTestId('preset-name').fill('Pirate');
  await page.getByTestId('preset-name').press('Enter');
  await expect(page.getByTestId('presets')).toContainText('Saved as preset “Pirate”.');
  await page.getByTestId('preset-defaults').click();

  // A chat made elsewhere, with Brook's defaults: the preset sets its prompt and sampling.
  const id = await createConversation(request);
  await openConversation(page, id);
  await page.getByTestId('preset-apply').selectOption('Pirate');
  await expect.poll(async () => (await (await request.get(`/app/conversations/${id}`)).json()).settings).toMatchObject({
    systemPrompt: 'You answer like a pirate.',
    temperature: 0.2,
  });

  // A new chat starts from the defaults chosen above, in the panel and once it is created.
  await page.getByTestId('new-chat').click();
  await expect(page.getByTestId('setting-temperature')).toHaveValue('0.2');
  await expect(page.getByTestId('setting-system-prompt')).toHaveValue('You answer like a pirate.');
});

test('a send refused because Brook is busy keeps the message and offers Send again', async ({ page, request }) => {
  const id = await createConversation(request, { max_new_tokens: 4 });
  await openConversation(page, id);
  await page.route('**/app/send', (route) =>
    route.fulfill({ status: 429, json: { error: 'Model is overloaded', error_type: 'overloaded' } }),
  );
  await page.getByTestId('composer').fill('Are you there?');
  await page.getByTestId('composer').press('Enter');
  const error = page.getByTestId('error');
  await expect(error).toContainText('Brook is busy');
  await expect(page.getByTestId('composer')).toHaveValue('Are you there?');
  await page.unroute('**/app/send');
  await error.getByRole('button', { name: 'Send again' }).click();
  await expect(userMessages(page)).toHaveCount(1);
  await expect(page.getByTestId('error')).toBeHidden();
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /^(streaming|complete|stopped|error)$/);
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /^(complete|stopped|error)$/, { timeout: 150_000 });
});
