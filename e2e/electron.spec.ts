// The desktop app end to end with Playwright's Electron driver: the built app (out/, from `electron-vite
// build`), the real model, the window over IPC. Where no Electron binary is installed (or no display), the
// spec is reported as skipped with the reason.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcTransport } from '../electron/core/wire/bridgeCommands.js';
import type { Conversation } from '../electron/core/wire/chats.js';
import { displayAvailable, findElectronBinary } from '../electron/main/electronBinary.js';
import { assistantMessages, expectModelReady, LONG_PROMPT, REPLY_TIMEOUT, replyText, send, waitForReply } from './support/brook.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary(root);
const display = displayAvailable();
const skipReason = !binary.found ? `Electron binary not installed: ${binary.reason}` : !display.ok ? `No display for Electron: ${display.reason}` : null;
if (skipReason) console.log(`[electron.spec] skipped — ${skipReason}`);

test.describe('Brook desktop (Electron)', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  test.describe.configure({ mode: 'serial', timeout: 240_000 });

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeAll(async () => {
    if (!binary.found) return;
    userData = mkdtempSync(join(tmpdir(), 'brook-electron-e2e-'));
    const args = [
      '.',
      // Its own profile: chats, single-instance lock and settings apart from a Brook the user may be running.
      `--user-data-dir=${userData}`,
      '--port',
      '0',
      '--parallel',
      '2',
    ];
    // Chromium refuses to run as root with its OS sandbox (CI containers). Only here, for the test run: the
    // window is still a sandboxed renderer (contextIsolation, no Node, the limited preload).
    if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
    // The built renderer (not a dev server), Electron as Electron (not as Node).
    const env = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !['ELECTRON_RENDERER_URL', 'ELECTRON_RUN_AS_NODE'].includes(entry[0])),
    );
    app = await electron.launch({ executablePath: binary.path, args, cwd: root, env, timeout: 60_000 });
    page = await app.firstWindow();
    await expectModelReady(page);
  });

  test.afterAll(async () => {
    if (app) {
      // Clean shutdown: stops replies, saves them, closes the endpoint, frees the model — and does not hang.
      const closed = app.close();
      await expect(closed).resolves.toBeUndefined();
    }
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('the window is locked down', async () => {
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    // No Node in the page (nodeIntegration off, context isolation on), one narrow API, the CSP enforced.
    const inPage = await page.evaluate(() => {
      const brook = (window as unknown as { brook?: IpcTransport }).brook;
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.head.append(script);
      return {
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
        brook: Object.keys(brook ?? {}).sort(),
        mode: brook?.mode,
        // (not an http(s) URL: those would open in the system browser)
        popup: window.open('about:blank') === null,
        inlineScriptRan: (window as { __inline?: number }).__inline === 1,
      };
    });
    expect(inPage).toMatchObject({ require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', mode: 'electron', popup: true, inlineScriptRan: false });
    // The preload's transport: the Bridge itself is built in the page from the command table.
    expect(inPage.brook).toEqual(['invoke', 'mode', 'on']);

    // Navigation away is refused: the page stays ours.
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'file:///etc/hostname';
    });
    await page.waitForTimeout(300);
    expect(page.url()).toBe(before);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    // The loopback endpoint's URL reaches the window through the Bridge status.
    await expect(page.getByTestId('endpoint')).toContainText(/http:\/\/127\.0\.0\.1:\d+/);
  });

  test('send, see the reply grow, stop, regenerate → ‹ 2/2 ›', async () => {
    // A fresh profile: the window's default settings; the reply to LONG_PROMPT runs long enough to stop.
    await send(page, LONG_PROMPT);
    const reply = assistantMessages(page).last();
    await expect(reply).toHaveAttribute('data-status', 'streaming');
    await expect(page.getByTestId('composer')).toBeDisabled();
    // The reply grows while it streams (updates pushed over IPC).
    await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(8);
    const early = (await replyText(reply)).length;
    await expect.poll(async () => (await replyText(reply)).length, { timeout: REPLY_TIMEOUT }).toBeGreaterThan(early);

    await page.getByTestId('stop').click();
    await expect(reply).toHaveAttribute('data-status', 'stopped');
    await expect(reply.getByTestId('stopped')).toBeVisible();
    const partial = await replyText(reply);
    expect(partial.length).toBeGreaterThan(8);
    const firstId = await reply.getAttribute('data-message-id');

    // A short second version: the settings are changed through the page's own Bridge (IPC).
    const conversationId = await page.getByTestId('conversation').first().getAttribute('data-conversation-id');
    const updated = await page.evaluate(
      (id) => (window as unknown as { brook: IpcTransport }).brook.invoke('updateSettings', { conversationId: id, settings: { temperature: 0, max_new_tokens: 16 } }),
      conversationId!,
    );
    expect(updated.ok).toBe(true);

    await reply.getByRole('button', { name: 'Regenerate' }).click();
    await expect(assistantMessages(page).last()).not.toHaveAttribute('data-message-id', firstId!);
    const second = await waitForReply(page);
    await expect(second).toHaveAttribute('data-status', 'complete');
    await expect(second.getByTestId('branch-position')).toHaveText('2/2');

    // ‹ back to 1/2: the first, stopped reply, unchanged.
    await second.getByRole('button', { name: 'Previous version' }).click();
    const back = assistantMessages(page).last();
    await expect(back).toHaveAttribute('data-message-id', firstId!);
    await expect(back.getByTestId('branch-position')).toHaveText('1/2');
    await expect(back).toHaveAttribute('data-status', 'stopped');
    expect(await replyText(back)).toBe(partial);

    // What the window shows is what the main process saved.
    const response = await page.evaluate((id) => (window as unknown as { brook: IpcTransport }).brook.invoke('getConversation', { conversationId: id }), conversationId!);
    if (!response.ok) throw new Error(response.error);
    const saved = response.value as Conversation;
    const replies = Object.values(saved.messages).filter((message) => message.role === 'assistant');
    expect(replies.map((message) => message.status).sort()).toEqual(['complete', 'stopped']);
    expect(new Set(replies.map((message) => message.parentId)).size).toBe(1);
  });

  test('conversations are saved in the user data folder', async () => {
    const dir = join(userData, 'chats');
    const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const saved = files.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { messages: Record<string, { role: string; status: string }> });
    const replies = saved.flatMap((conversation) => Object.values(conversation.messages)).filter((message) => message.role === 'assistant');
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(replies.some((message) => message.status === 'stopped')).toBe(true);
  });
});
