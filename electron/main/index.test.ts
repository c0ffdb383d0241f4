// The Electron main process under Vitest: `electron` is the recording stand-in of testing/fakeElectron.ts,
// everything else is real (Brook's core, the model, the loopback server, the chats on disk). Checks what
// main asks of Electron (window settings, session rules, menu, IPC) and its lifecycle (replies pushed to the
// window, closing the window stops them, quitting shuts the core down and then really quits).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiRequestInfo, AppStatus, EndpointSettings, ReplyUpdate, SendResult } from '../core/wire/bridge.js';
import type { Conversation } from '../core/wire/chats.js';
import { IPC, IPC_EVENTS, type IpcResponse } from './ipcChannels.js';
import { CONTENT_SECURITY_POLICY } from './security.js';
import { app, BrowserWindow, dialog, fakeEvent, ipcMain, Menu, session, shell, type FakeBrowserWindow } from './testing/fakeElectron.js';

vi.mock('electron', async () => await import('./testing/fakeElectron.js'));

const MODEL = resolve('resources/models/SmolLM2-135M-Instruct.Q4_1.gguf');
/** A key saved by the Local API panel in an earlier run. */
const SAVED_KEY = 'brook-saved-in-an-earlier-run';
const INDEX_HTML = resolve('electron/renderer/index.html');
const RENDERER_URL = pathToFileURL(INDEX_HTML).href;

let userData: string;
let window: FakeBrowserWindow;
const argv = process.argv;
/** main adds SIGINT/SIGTERM handlers (quit cleanly); they are taken off again after the tests. */
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`model missing at ${MODEL}: run npm run fetch-model`);
  userData = await mkdtemp(join(tmpdir(), 'brook-main-'));
  app.paths.set('userData', userData);
  await writeFile(join(userData, 'endpoint.json'), JSON.stringify({ apiKey: SAVED_KEY }));
  // As `electron . --port 0 …` would pass it, with a switch of Playwright's that Brook must ignore.
  process.argv = ['/usr/bin/electron', '--inspect=0', '.', '--port', '0', '--parallel', '2', '--context-size', '512'];
  await import('./index.js');
  process.argv = argv;
  app.readyResolve();
  await vi.waitFor(() => expect(BrowserWindow.windows).toHaveLength(1), { timeout: 30_000, interval: 20 });
  window = BrowserWindow.windows[0]!;
  await vi.waitFor(() => expect(lastStatus()?.model.state).toBe('ready'), { timeout: 60_000, interval: 50 });
});

afterAll(async () => {
  process.argv = argv;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
  }
  if (userData) await rm(userData, { recursive: true, force: true });
});

function lastStatus(): AppStatus | undefined {
  return window?.webContents.sent.filter((message) => message.channel === IPC_EVENTS.status).at(-1)?.payload as AppStatus | undefined;
}

/** An ipcMain.handle event as Electron builds it for our window (or, with overrides, for someone else). */
function invokeEvent(overrides: { id?: number; url?: string | null; subframe?: boolean } = {}) {
  const url = overrides.url === undefined ? RENDERER_URL : overrides.url;
  return {
    sender: { id: overrides.id ?? window.webContents.id },
    senderFrame: url === null ? null : { url, parent: overrides.subframe ? {} : null },
  };
}

async function invoke<T>(channel: string, payload: unknown = {}, event = invokeEvent()): Promise<IpcResponse<T>> {
  const handler = ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return (await handler(event, payload)) as IpcResponse<T>;
}

async function value<T>(channel: string, payload: unknown = {}): Promise<T> {
  const response = await invoke<T>(channel, payload);
  if (!response.ok) throw new Error(`${channel}: ${response.error}`);
  return response.value;
}

describe('Electron main', () => {
  it('enables the sandbox and opens one locked-down window on the built renderer', () => {
    expect(app.sandboxEnabled).toBe(true);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.options.webPreferences.preload).toBe(resolve('electron/preload/index.cjs'));
    expect(window.loaded).toEqual({ file: INDEX_HTML });
    expect(window.visible).toBe(true);
  });

  it('denies every permission and sends the CSP header', () => {
    const ses = session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      ses.permissionRequestHandler!(window.webContents, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(ses.permissionCheckHandler!(window.webContents, 'clipboard-read', 'file://', {})).toBe(false);
    expect(ses.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);

    let result: { responseHeaders?: Record<string, string[]> } = {};
    ses.headersListener!({ url: RENDERER_URL, responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (response) => (result = response));
    expect(result.responseHeaders).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Other': ['1'] });
  });

  it('denies new windows, navigation and webviews; only http(s) links leave, for the system browser', () => {
    const contents = window.webContents;
    expect(contents.windowOpenHandler!({ url: 'https://example.com/a' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });

    const away = fakeEvent();
    contents.emit('will-navigate', away, 'http://example.org/b');
    expect(away.defaultPrevented).toBe(true);
    const file = fakeEvent();
    contents.emit('will-navigate', file, 'file:///tmp/evil.html');
    expect(file.defaultPrevented).toBe(true);
    const self = fakeEvent();
    contents.emit('will-navigate', self, RENDERER_URL);
    expect(self.defaultPrevented).toBe(true);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);

    expect(shell.opened).toEqual(['https://example.com/a', 'http://example.org/b']);
  });

  it('installs the menu: File (Open Model…), Edit, View, Window with standard roles', () => {
    const template = (Menu.current as { template: { label?: string; role?: string; submenu?: { label?: string; role?: string }[] }[] }).template;
    expect(template.map((item) => item.role ?? item.label)).toEqual([...(process.platform === 'darwin' ? ['appMenu'] : []), 'File', 'editMenu', 'viewMenu', 'windowMenu']);
    expect(template.find((item) => item.label === 'File')!.submenu!.map((item) => item.label ?? item.role)).toContain('Open Model…');
  });

  it('registers one handler per command; each checks its sender and validates its payload', async () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC).sort());
    for (const event of [invokeEvent({ id: window.webContents.id + 100 }), invokeEvent({ url: 'https://evil.example/' }), invokeEvent({ subframe: true }), invokeEvent({ url: null })]) {
      expect(await invoke(IPC.createConversation, {}, event)).toMatchObject({ ok: false, error_type: 'forbidden' });
    }
    expect(await invoke(IPC.getConversation, { conversationId: '' })).toMatchObject({ ok: false, error_type: 'validation', error: expect.stringMatching(/^Input validation error: `conversationId`/) });
    expect(await invoke(IPC.listConversations)).toEqual({ ok: true, value: [] });
  });

  it("pushes the status to the window: the model, and the loopback endpoint's URL, with the key saved in an earlier run", async () => {
    const status = lastStatus()!;
    expect(status.endpoint).toMatchObject({ enabled: true, apiKeySet: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await value<AppStatus>(IPC.status)).toMatchObject({ model: { state: 'ready' }, endpoint: status.endpoint });
    const health = await fetch(`${status.endpoint.url}/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`${status.endpoint.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${status.endpoint.url}/v1/models`, { headers: { authorization: `Bearer ${SAVED_KEY}` } })).status).toBe(200);
    expect(await value<EndpointSettings>(IPC.endpointSettings)).toEqual({ enabled: true, url: status.endpoint.url, port: status.endpoint.port, apiKey: SAVED_KEY, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } });
  });

  it('changes the endpoint from the Local API panel, saves it in the user data folder, and pushes the requests from other tools', async () => {
    const saved = async () => JSON.parse(await readFile(join(userData, 'endpoint.json'), 'utf8')) as unknown;
    const keyed = await value<EndpointSettings>(IPC.configureEndpoint, { apiKey: 'generate' });
    expect(keyed.apiKey).toMatch(/^brook-/);
    expect(keyed.apiKey).not.toBe(SAVED_KEY);
    expect(await saved()).toEqual({ apiKey: keyed.apiKey });

    // A refused change is not saved.
    expect(await invoke(IPC.configureEndpoint, { port: 'x' })).toMatchObject({ ok: false, error_type: 'validation' });
    expect(await invoke(IPC.configureEndpoint, { apiKey: 'generate' }, invokeEvent({ url: 'https://evil.example/' }))).toMatchObject({ ok: false, error_type: 'forbidden' });
    expect(await saved()).toEqual({ apiKey: keyed.apiKey });

    const cleared = await value<EndpointSettings>(IPC.configureEndpoint, { apiKey: null });
    expect(cleared).toMatchObject({ enabled: true, apiKey: null, url: keyed.url });
    expect(await saved()).toEqual({ apiKey: null });
    await vi.waitFor(() => expect(lastStatus()!.endpoint.apiKeySet).toBe(false));

    const response = await fetch(`${cleared.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'my-editor/1.0' },
      body: JSON.stringify({ inputs: 'Hello', parameters: { max_new_tokens: 3 } }),
    });
    expect(response.status).toBe(200);
    const pushed = () => window.webContents.sent.filter((message) => message.channel === IPC_EVENTS.requests).map((message) => message.payload as ApiRequestInfo[]);
    await vi.waitFor(() => expect(pushed().at(-1)?.at(-1)).toMatchObject({ route: '/generate', client: 'my-editor/1.0', state: 'done', tokens: 3 }));
    expect((await value<ApiRequestInfo[]>(IPC.listApiRequests)).at(-1)).toMatchObject({ client: 'my-editor/1.0', state: 'done' });
  });

  it('opens a model only through the native dialog', async () => {
    dialog.nextOpen = { canceled: true, filePaths: [] };
    expect(await invoke(IPC.openModel, { path: '/etc/passwd' })).toEqual({ ok: true, value: null });
    dialog.nextOpen = { canceled: false, filePaths: [join(userData, 'missing.gguf')] };
    expect(await invoke(IPC.openModel)).toMatchObject({ ok: false, error_type: 'validation', error: expect.stringContaining('No file at') });
    expect(lastStatus()!.model.state).toBe('ready');
  });

  it('focuses the window when Brook is launched again', () => {
    const before = window.focused;
    window.minimized = true;
    app.emit('second-instance', fakeEvent(), ['brook'], '/');
    expect(window.focused).toBe(before + 1);
    expect(window.minimized).toBe(false);
    expect(BrowserWindow.windows).toHaveLength(1);
  });

  it('streams a reply to the window; closing the window stops it, then Brook shuts down and quits', async () => {
    const conversation = await value<Conversation>(IPC.createConversation);
    await value(IPC.updateSettings, { conversationId: conversation.id, settings: { max_new_tokens: 2000 } });
    const sent = await value<SendResult>(IPC.send, { conversationId: conversation.id, parentId: null, content: 'Write a very long story about a river.' });
    const replies = () => window.webContents.sent.filter((message) => message.channel === IPC_EVENTS.reply).map((message) => message.payload as ReplyUpdate);
    await vi.waitFor(() => expect(replies().some((update) => update.messageId === sent.assistantMessage.id && update.text.length > 0)).toBe(true), { timeout: 30_000, interval: 20 });
    const url = lastStatus()!.endpoint.url!;

    window.close();
    // On Linux and Windows the last window closing quits the app: before-quit holds the quit until the core is down.
    expect(app.quitRequests).toBe(process.platform === 'darwin' ? 0 : 1);
    if (process.platform === 'darwin') app.quit();
    expect(app.ended).toBeNull();
    await vi.waitFor(() => expect(app.ended).not.toBeNull(), { timeout: 20_000, interval: 20 });
    // Quit, not the forced exit that ends a shutdown hanging past its time limit.
    expect(app.ended).toEqual({ how: 'quit' });
    expect(app.quitRequests).toBe(2);

    const saved = JSON.parse(await readFile(join(userData, 'chats', `${conversation.id}.json`), 'utf8')) as Conversation;
    const reply = saved.messages[sent.assistantMessage.id]!;
    expect(reply.status).toBe('stopped');
    expect(reply.content.length).toBeGreaterThan(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
