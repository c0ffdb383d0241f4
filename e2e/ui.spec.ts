// The rest of the window in browser mode: the conversation list, export, settings, the composer's keys,
// opening a model, and errors shown where they happen (code blocks and token details: scripted/codeAndTokens).
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { AppStatus } from '../electron/core/wire/bridge.js';
import type { Conversation } from '../electron/core/wire/chats.js';
import { assistantMessages, createConversation, getConversation, openApp, openConversation, send, userMessages, waitForReply } from './support/brook.js';

test('conversation list: search, rename, delete', async ({ page, request }) => {
  const tag = Date.now().toString(36);
  const a = await createConversation(request);
  const b = await createConversation(request);
  await request.post('/app/rename', { data: { conversationId: a, title: `Zebra notes ${tag}` } });
  await request.post('/app/rename', { data: { conversationId: b, title: `Quokka plans ${tag}` } });
  await openApp(page);
  const item = (id: string) => page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`);
  await expect(item(a)).toBeVisible();
  await expect(item(b)).toBeVisible();

  await page.getByTestId('search').fill(`zebra notes ${tag}`);
  await expect(item(b)).toBeHidden();
  await expect(item(a)).toBeVisible();
  await page.getByTestId('search').fill('');
  await expect(item(b)).toBeVisible();

  // Rename from the item's menu.
  await item(b).hover();
  await item(b).getByTestId('conversation-menu').click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const input = item(b).getByRole('textbox', { name: 'Chat title' });
  await input.fill(`Wombat plans ${tag}`);
  await input.press('Enter');
  await expect(item(b)).toContainText(`Wombat plans ${tag}`);
  expect((await getConversation(request, b)).title).toBe(`Wombat plans ${tag}`);

  // Delete hides it at once and deletes it once Undo is no longer offered (e2e/habits.spec.ts tests Undo).
  await item(a).hover();
  await item(a).getByTestId('conversation-menu').click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await expect(item(a)).toBeHidden();
  await expect.poll(async () => (await request.get(`/app/conversations/${a}`)).status(), { timeout: 20_000 }).toBe(404);
});

test('Enter sends, Shift+Enter adds a line; export as Markdown and JSON downloads the chat', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0, max_new_tokens: 8 });
  await openConversation(page, id);
  const composer = page.getByTestId('composer');
  await composer.fill('First line');
  await composer.press('Shift+Enter');
  await composer.pressSequentially('second line');
  await expect(composer).toHaveValue('First line\nsecond line');
  await expect(userMessages(page)).toHaveCount(0);
  await composer.press('Enter');
  await expect(userMessages(page).first().getByTestId('message-text')).toHaveText('First line\nsecond line');
  await expect(composer).toHaveValue('');
  await waitForReply(page);

  await page.getByTestId('export-menu').click();
  const [markdown] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export as Markdown' }).click()]);
  expect(markdown.suggestedFilename()).toMatch(/\.md$/);
  const md = readFileSync(await markdown.path(), 'utf8');
  expect(md).toContain('## User');
  expect(md).toContain('First line\nsecond line');
  expect(md).toContain('## Assistant');

  await page.getByTestId('export-menu').click();
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export as JSON' }).click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const exported = JSON.parse(readFileSync(await json.path(), 'utf8')) as Conversation;
  expect(exported.id).toBe(id);
  expect(Object.values(exported.messages)).toHaveLength(2);
});

test('the settings panel saves per-conversation settings', async ({ page, request }) => {
  const id = await createConversation(request);
  await openConversation(page, id);
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-temperature').fill('0');
  await page.getByTestId('setting-temperature').press('Tab');
  await page.getByTestId('setting-system-prompt').fill('You answer like a pirate.');
  await page.getByTestId('setting-seed').fill('42');
  await page.getByTestId('setting-seed').press('Tab');
  await expect.poll(async () => (await getConversation(request, id)).settings).toMatchObject({
    temperature: 0,
    systemPrompt: 'You answer like a pirate.',
    seed: 42,
  });
  await page.reload();
  await expect(page.getByTestId('settings')).toBeHidden();
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('setting-system-prompt')).toHaveValue('You answer like a pirate.');
  await expect(page.getByTestId('setting-seed')).toHaveValue('42');
  await expect(page.getByTestId('setting-temperature')).toHaveValue('0');
});

test('errors are shown where they happen and say what to do', async ({ page, request }) => {
  await openApp(page);
  // Opening a model that is not there.
  await page.getByTestId('model-status').click();
  await page.getByPlaceholder('/path/to/model.gguf').fill('/nonexistent/model.gguf');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Model' })).toContainText('No file at /nonexistent/model.gguf');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-phase', /^(ready|generating)$/);
  await page.getByTestId('model-status').click();

  // Sending into a chat deleted meanwhile: the message stays in the composer, the error says why.
  const id = await createConversation(request, { max_new_tokens: 4 });
  await openConversation(page, id);
  await request.delete(`/app/conversations/${id}`);
  await send(page, 'Hello?', { expectReply: false });
  await expect(page.getByTestId('error')).toContainText('not found');
  await expect(page.getByTestId('composer')).toHaveValue('Hello?');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('error')).toBeHidden();
  await expect(assistantMessages(page)).toHaveCount(0);
});

test('opening another GGUF shows it loading, then ready', async ({ page, request }) => {
  const status = (await (await request.get('/app/status')).json()) as AppStatus;
  if (status.model.state !== 'ready') throw new Error('model not ready');
  await openApp(page);
  const phases: string[] = [];
  await page.exposeFunction('__phase', (phase: string) => phases.push(phase));
  await page.evaluate(() => {
    const chip = document.querySelector('[data-testid=model-status]')!;
    new MutationObserver(() => (window as unknown as { __phase: (p: string) => void }).__phase(chip.getAttribute('data-phase')!)).observe(chip, {
      attributes: true,
      attributeFilter: ['data-phase'],
    });
  });
  await page.getByTestId('model-status').click();
  // The same file again: a real load, quick with the small model.
  await page.getByPlaceholder('/path/to/model.gguf').fill(status.model.info.path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Model' })).toContainText('Ready', { timeout: 120_000 });
  await expect(page.getByPlaceholder('/path/to/model.gguf')).toHaveValue('');
  expect(phases).toContain('loading');
  expect(phases.at(-1)).toBe('ready');
});
