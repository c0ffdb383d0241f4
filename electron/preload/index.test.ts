// The preload's `window.brook` and the window's Bridge over it, without Electron: `electron` is replaced by an
// in-memory IPC that carries payloads (structured-cloned, as Electron does) to the real IPC handlers and the real
// ChatService, and by a contextBridge that, like Electron's, keeps only the message of an Error thrown across it.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RemoteBackend } from '../core/backends/remote/RemoteBackend.js';
import { ChatService } from '../core/chats/ChatService.js';
import { ChatStore } from '../core/chats/ChatStore.js';
import type { ApiRequestInfo, AppStatus, Bridge, EndpointChange, EndpointSettings, ReplyUpdate } from '../core/wire/bridge.js';
import type { IpcTransport } from '../core/wire/bridgeCommands.js';
import { createIpcBridge } from '../../renderer/src/bridge/IpcBridge.js';
import { BridgeError } from '../../renderer/src/bridge/errors.js';
import { IPC, IPC_EVENTS, type IpcChannel } from '../main/ipcChannels.js';
import { createIpcHandlers, type IpcHandler } from '../main/ipcHandlers.js';
import type { IpcSender } from '../main/security.js';

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const state = { handlers: null as Record<string, (sender: never, payload: unknown) => Promise<unknown>> | null, sender: null as never };
  return { exposed, state };
});
const events = new EventEmitter();

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      const handler = fake.state.handlers?.[channel];
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(fake.state.sender, structuredClone(payload)));
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => events.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => events.removeListener(channel, listener),
  },
}));

const WINDOW: IpcSender = { webContentsId: 1, frameUrl: 'file:///app/out/renderer/index.html', isMainFrame: true };
const STATUS: AppStatus = {
  model: { state: 'loading', progress: 0.5, path: '/models/x.gguf' },
  endpoint: { url: 'http://127.0.0.1:8080', enabled: true, port: 8080, apiKeySet: false },
  busy: { inFlight: 0, queued: 0 },
};

const REQUEST: ApiRequestInfo = {
  id: 'r1',
  route: '/v1/chat/completions',
  client: 'my-editor/1.0',
  state: 'generating',
  tokens: 12,
  tokensPerSecond: 8.5,
  promptTokens: 20,
  startedAt: 1_700_000_000_000,
  finishedAt: null,
  error: null,
  toolCalls: [],
};
let endpoint: EndpointSettings = { enabled: true, url: 'http://127.0.0.1:8080', port: 8080, apiKey: null, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } };
const configured: EndpointChange[] = [];

let dir: string;
let store: ChatStore;
let bridge: Bridge;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-preload-'));
  store = await ChatStore.open(dir);
  // A remote server still being asked what it serves: sends are refused, which shows how errors reach the page.
  const chats = new ChatService(store, new RemoteBackend({ url: 'http://127.0.0.1:9', protocol: 'auto', apiKey: null, maxConcurrentRequests: 1 }));
  const handlers: Record<IpcChannel, IpcHandler> = createIpcHandlers(
    {
      chats,
      status: () => STATUS,
      openModel: async () => {},
      useRemote: async () => {},
      endpointSettings: () => endpoint,
      configureEndpoint: async (change) => {
        configured.push(change);
        endpoint = { ...endpoint, ...(change.port === undefined ? {} : { port: change.port }), ...(change.apiKey === undefined ? {} : { apiKey: change.apiKey === 'generate' ? 'brook-new' : change.apiKey }) };
        return endpoint;
      },
      requests: { list: () => [REQUEST], cancel: (id) => id === REQUEST.id },
    },
    { isTrustedSender: (sender) => sender.webContentsId === WINDOW.webContentsId, warn: () => {} },
  );
  fake.state.handlers = handlers;
  fake.state.sender = WINDOW as never;
  await import('./index.js');
  bridge = createIpcBridge(fake.exposed.get('brook') as IpcTransport);
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('preload', () => {
  it('exposes exactly one API, window.brook: a transport for the commands and events of the table, nothing else', async () => {
    expect([...fake.exposed.keys()]).toEqual(['brook']);
    const transport = fake.exposed.get('brook') as IpcTransport;
    expect(Object.keys(transport).sort()).toEqual(['invoke', 'mode', 'on']);
    expect(transport.mode).toBe('electron');
    expect(await transport.invoke('no-such-command' as never, {})).toEqual({ ok: false, error: 'Unknown command "no-such-command".', error_type: 'validation' });
    expect(() => transport.on('no-such-event' as never, () => {})).toThrow(/Unknown event/);
  });

  it('gives the window a Bridge with every method of the command table', () => {
    expect(bridge.mode).toBe('electron');
    for (const method of ['status', 'openModel', 'useRemote', 'send', 'regenerate', 'stop', 'onReply', 'onStatus', 'onApiRequests', 'cancelApiRequest']) {
      expect(typeof (bridge as unknown as Record<string, unknown>)[method]).toBe('function');
    }
  });

  it("keeps an error's type across IPC, so the window's hints work in Electron as in the browser", async () => {
    const conversation = await bridge.createConversation();
    const refused = await bridge.send(conversation.id, null, 'hello').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BridgeError);
    expect(refused).toMatchObject({ errorType: 'model_not_ready' });
    await expect(bridge.getConversation('missing')).rejects.toMatchObject({ errorType: 'not_found' });
    await expect(bridge.renameConversation(conversation.id, '')).rejects.toMatchObject({ errorType: 'validation' });
  });

  it('round-trips commands to the handlers', async () => {
    expect(await bridge.status()).toEqual(STATUS);
    const conversation = await bridge.createConversation();
    await expect(bridge.renameConversation(conversation.id, 'Preloaded')).resolves.toBeUndefined();
    expect((await bridge.getConversation(conversation.id)).title).toBe('Preloaded');
    expect((await bridge.listConversations('Preloaded')).map((summary) => summary.id)).toEqual([conversation.id]);
    expect((await bridge.listConversations()).length).toBeGreaterThan(0);
    const updated = await bridge.updateSettings(conversation.id, { temperature: 0 });
    expect(updated.settings.temperature).toBe(0);
    const exported = await bridge.exportConversation(conversation.id, 'json');
    expect(JSON.parse(exported.content)).toMatchObject({ title: 'Preloaded' });
    await expect(bridge.stop(conversation.id)).resolves.toBeUndefined();
    await expect(bridge.openModel('/ignored/in/electron.gguf')).resolves.toBeUndefined();
    await expect(bridge.deleteConversation(conversation.id)).resolves.toBeUndefined();
  });

  it('round-trips the endpoint commands', async () => {
    expect(await bridge.endpointSettings()).toEqual(endpoint);
    expect(await bridge.configureEndpoint({ port: 9000, apiKey: 'generate' })).toMatchObject({ port: 9000, apiKey: 'brook-new' });
    expect(await bridge.configureEndpoint({ apiKey: null })).toMatchObject({ port: 9000, apiKey: null });
    expect(configured).toEqual([{ port: 9000, apiKey: 'generate' }, { apiKey: null }]);
    await expect(bridge.configureEndpoint({ port: 70_000 })).rejects.toMatchObject({ errorType: 'validation', message: expect.stringMatching(/`port` must be <= 65535/) });
    await expect(bridge.configureEndpoint({ apiKey: 'short' })).rejects.toMatchObject({ errorType: 'validation' });
    expect(configured).toHaveLength(2);
    expect(await bridge.listApiRequests()).toEqual([REQUEST]);
    expect(await bridge.cancelApiRequest('r1')).toBe(true);
    expect(await bridge.cancelApiRequest('r2')).toBe(false);
    await expect(bridge.cancelApiRequest('')).rejects.toMatchObject({ errorType: 'validation' });
  });

  it('throws Errors carrying the main process message', async () => {
    const conversation = await bridge.createConversation();
    const refused = bridge.send(conversation.id, null, 'hello');
    await expect(refused).rejects.toThrow(/^The model is still loading/);
    await expect(refused).rejects.toBeInstanceOf(Error);
    await expect(bridge.getConversation('no such id!')).rejects.toThrow('Input validation error: `conversationId` must match pattern "^[A-Za-z0-9_-]+$"');
    await expect(bridge.getConversation('missing')).rejects.toThrow('Conversation missing not found');
  });

  it('delivers pushed events to listeners until they unsubscribe', () => {
    const replies: ReplyUpdate[] = [];
    const statuses: AppStatus[] = [];
    const unsubscribeReply = bridge.onReply((update) => replies.push(update));
    const other: ReplyUpdate[] = [];
    const unsubscribeOther = bridge.onReply((update) => other.push(update));
    const unsubscribeStatus = bridge.onStatus((status) => statuses.push(status));
    const lists: ApiRequestInfo[][] = [];
    const unsubscribeRequests = bridge.onApiRequests((requests) => lists.push(requests));
    const update: ReplyUpdate = { conversationId: 'c', messageId: 'm', text: 'Hi', tokens: [] };
    events.emit(IPC_EVENTS.reply, {}, update);
    events.emit(IPC_EVENTS.status, {}, STATUS);
    events.emit(IPC_EVENTS.requests, {}, [REQUEST]);
    expect(replies).toEqual([update]);
    expect(statuses).toEqual([STATUS]);
    expect(lists).toEqual([[REQUEST]]);

    unsubscribeReply();
    unsubscribeStatus();
    unsubscribeRequests();
    events.emit(IPC_EVENTS.reply, {}, update);
    events.emit(IPC_EVENTS.status, {}, STATUS);
    events.emit(IPC_EVENTS.requests, {}, []);
    expect(replies).toHaveLength(1);
    expect(statuses).toHaveLength(1);
    expect(lists).toHaveLength(1);
    expect(events.listenerCount(IPC_EVENTS.requests)).toBe(0);
    // Only the one listener went away.
    expect(other).toHaveLength(2);
    unsubscribeOther();
    expect(events.listenerCount(IPC_EVENTS.reply)).toBe(0);
    expect(events.listenerCount(IPC_EVENTS.status)).toBe(0);
  });

  it('uses only the shared channel names', () => {
    expect(new Set(Object.values(IPC)).size).toBe(Object.keys(IPC).length);
    for (const channel of [...Object.values(IPC), ...Object.values(IPC_EVENTS)]) expect(channel).toMatch(/^brook:[A-Za-z:]+$/);
  });
});
