// Helpers shared by the browser-mode specs: set up conversations through the app routes, drive the window.
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CHAT_SETTINGS, type ChatSettings, type Conversation, type MessageStatus, type MessageToken, type ReplyStats } from '../../electron/core/wire/chats.js';

/** Greedy decoding loops on this prompt: a reply that runs until max_new_tokens. */
export const LONG_PROMPT = 'Count from 1 to 400, separated by commas.';

/** Generation can be slow on a small, busy CI machine: waits for replies are generous. */
export const REPLY_TIMEOUT = 150_000;

/** A conversation with these settings, made through the app routes (as the window's HttpBridge does). */
export async function createConversation(request: APIRequestContext, settings: Partial<ChatSettings> = {}): Promise<string> {
  const response = await request.post('/app/conversations');
  expect(response.ok(), await response.text()).toBeTruthy();
  const conversation = (await response.json()) as Conversation;
  if (Object.keys(settings).length > 0) {
    const updated = await request.post('/app/settings', { data: { conversationId: conversation.id, settings } });
    expect(updated.ok(), await updated.text()).toBeTruthy();
  }
  return conversation.id;
}

export async function getConversation(request: APIRequestContext, id: string): Promise<Conversation> {
  const response = await request.get(`/app/conversations/${id}`);
  expect(response.ok(), await response.text()).toBeTruthy();
  return (await response.json()) as Conversation;
}

export async function expectModelReady(page: Page): Promise<void> {
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-phase', /^(ready|generating)$/, { timeout: 120_000 });
}

export async function openApp(page: Page): Promise<void> {
  await page.goto('/ui/');
  await expectModelReady(page);
}

/** Opens a conversation by its address (/ui/#id), as a reload does. */
export async function openConversation(page: Page, id: string): Promise<void> {
  await page.goto(`/ui/#${id}`);
  await expectModelReady(page);
  await expect(page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`)).toBeVisible();
}

/**
 * Types a message and presses Enter. Unless told the send will fail, waits until its reply is on screen, so
 * `waitForReply` then waits for that reply (not the one before it).
 */
export async function send(page: Page, text: string, options: { expectReply?: boolean } = {}): Promise<void> {
  const composer = page.getByTestId('composer');
  await expect(composer).toBeEnabled();
  const before = await lastReplyId(page);
  await composer.fill(text);
  await composer.press('Enter');
  if (options.expectReply !== false) await expect.poll(() => lastReplyId(page), { timeout: 30_000 }).not.toBe(before);
}

async function lastReplyId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const replies = document.querySelectorAll('[data-testid=message][data-role=assistant]');
    return replies[replies.length - 1]?.getAttribute('data-message-id') ?? null;
  });
}

export const assistantMessages = (page: Page): Locator => page.locator('[data-testid=message][data-role=assistant]');
export const userMessages = (page: Page): Locator => page.locator('[data-testid=message][data-role=user]');

/** Waits until the last reply on screen has ended (complete, stopped or failed) and returns it. */
export async function waitForReply(page: Page, timeout = REPLY_TIMEOUT): Promise<Locator> {
  const reply = assistantMessages(page).last();
  await expect(reply).toHaveAttribute('data-status', /^(complete|stopped|error)$/, { timeout });
  return reply;
}

export async function replyText(reply: Locator): Promise<string> {
  return (await reply.getByTestId('message-text').innerText()).trim();
}

/** Screenshots go here (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** e2e/artifacts/<name>-light.png and -dark.png: the same screen in both themes (prefers-color-scheme; the window follows it until the user picks one). */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.waitForTimeout(300); // colour transitions
    const path = `${ARTIFACTS}${name}-${colorScheme}.png`;
    await page.screenshot({ path });
    // In Playwright's HTML report too, beside the test that took it.
    await test.info().attach(`${name}-${colorScheme}`, { path, contentType: 'image/png' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * A finished conversation with chosen replies, shown by the window as if Brook had it (its GET is answered by
 * the page's router; nothing is generated or saved). For what a reply looks like, whatever a model writes.
 */
export interface PlantedTurn {
  question: string;
  answer: string;
  tokens?: MessageToken[];
  status?: MessageStatus;
  error?: string;
  stats?: ReplyStats;
}

export async function plantConversation(page: Page, replies: PlantedTurn[], id = `planted${Date.now().toString(36)}`): Promise<string> {
  const now = Date.now();
  const conversation: Conversation = {
    id,
    title: 'Planted chat',
    createdAt: now,
    updatedAt: now,
    settings: { ...DEFAULT_CHAT_SETTINGS },
    messages: {},
    activeChild: {},
  };
  let parent: string | null = null;
  replies.forEach(({ question, answer, tokens, status, error, stats }, i) => {
    const u = `u${i}`;
    const a = `a${i}`;
    conversation.messages[u] = { id: u, parentId: parent, role: 'user', content: question, createdAt: now + 2 * i, status: 'complete' };
    conversation.messages[a] = {
      id: a,
      parentId: u,
      role: 'assistant',
      content: answer,
      createdAt: now + 2 * i + 1,
      status: status ?? 'complete',
      stats: stats ?? { firstTokenMs: 120, tokensPerSecond: 30, tokens: tokens?.length ?? 42, finishReason: 'eos_token' },
      ...(tokens ? { tokens } : {}),
      ...(error ? { error } : {}),
    };
    conversation.activeChild[parent ?? ''] = u;
    conversation.activeChild[u] = a;
    parent = a;
  });
  await page.route(`**/app/conversations/${id}`, (route) => route.fulfill({ json: conversation }));
  await page.goto(`/ui/#${id}`);
  await expectModelReady(page);
  await expect(assistantMessages(page)).toHaveCount(replies.length);
  return id;
}
