// The window's IPC commands without Electron: the plain handlers against the real core (Brook with its
// ChatStore in a temp folder and the real model; no HTTP server), called with the sender info ipcMain gives.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Brook } from '../core/Brook.js';
import type { ChatService } from '../core/chats/ChatService.js';
import { parseConfig } from '../core/config.js';
import { readSse } from '../core/testing/readSse.js';
import type { ApiRequestInfo, AppStatus, EndpointSettings, ReplyUpdate, SendResult } from '../core/wire/bridge.js';
import type { Conversation, ConversationSummary, ExportedConversation, Message } from '../core/wire/chats.js';
import { IPC, type IpcChannel, type IpcResponse } from './ipcChannels.js';
import type { BridgeServices } from '../core/bridgeHandlers.js';
import { createIpcHandlers, FORBIDDEN_SENDER, type IpcHandler } from './ipcHandlers.js';
import { createSenderPolicy, type IpcSender } from './security.js';

const MODEL = resolve('resources/models/SmolLM2-135M-Instruct.Q4_1.gguf');
const RENDERER = 'file:///opt/Brook/resources/app.asar/out/renderer/index.html';
const WINDOW_ID = 7;
const WINDOW: IpcSender = { webContentsId: WINDOW_ID, frameUrl: RENDERER, isMainFrame: true };

let dir: string;
let brook: Brook;
let chats: ChatService;
let handlers: Record<IpcChannel, IpcHandler>;
let warnings: string[];
let openModelCalls = 0;

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`model missing at ${MODEL}: run npm run fetch-model`);
  dir = await mkdtemp(join(tmpdir(), 'brook-ipc-'));
  const config = parseConfig(['--model', MODEL, '--data-dir', dir, '--parallel', '2', '--context-size', '512'], {});
  if (config === 'help') throw new Error('help');
  const started = await Brook.start(config, { serve: false });
  brook = started.brook;
  await started.modelLoaded;
  chats = brook.chats;
  warnings = [];
  handlers = makeHandlers({});
});

afterAll(async () => {
  await brook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function makeHandlers(overrides: Partial<BridgeServices>): Record<IpcChannel, IpcHandler> {
  return createIpcHandlers(
    {
      chats,
      status: () => brook.status(),
      openModel: async () => {
        openModelCalls += 1;
      },
      useRemote: (remote) => brook.useRemote({ url: remote.url, protocol: remote.protocol ?? 'auto', apiKey: remote.apiKey ?? null }),
      endpointSettings: () => brook.endpointSettings(),
      configureEndpoint: (change) => brook.configureEndpoint(change),
      requests: brook.requests,
      ...overrides,
    },
    {
      isTrustedSender: createSenderPolicy({ rendererUrl: RENDERER, windowIds: () => [WINDOW_ID] }),
      warn: (message) => warnings.push(message),
    },
  );
}

/** Calls a command as the window; returns the value, or throws with the error answer. */
async function call<T>(channel: IpcChannel, payload: unknown = {}, sender: IpcSender = WINDOW): Promise<T> {
  const response = await handlers[channel](sender, payload);
  if (!response.ok) throw Object.assign(new Error(response.error), { errorType: response.error_type });
  return response.value as T;
}

async function failure(channel: IpcChannel, payload: unknown, sender: IpcSender = WINDOW): Promise<{ error: string; error_type: string }> {
  const response: IpcResponse = await handlers[channel](sender, payload);
  if (response.ok) throw new Error(`${channel} succeeded with ${JSON.stringify(payload)}`);
  // Plain data, as structured clone carries it to the preload.
  expect(Object.keys(response).sort()).toEqual(['error', 'error_type', 'ok']);
  return { error: response.error, error_type: response.error_type };
}

/** The next reply of a conversation: every update, and its last one's saved message. */
function watchReply(conversationId: string) {
  const updates: ReplyUpdate[] = [];
  let firstSeen!: () => void;
  const first = new Promise<void>((resolve) => (firstSeen = resolve));
  const final = new Promise<Message>((resolve) => {
    const unsubscribe = chats.onReply((update) => {
      if (update.conversationId !== conversationId) return;
      updates.push(update);
      firstSeen();
      if (update.final) {
        unsubscribe();
        resolve(update.final);
      }
    });
  });
  return { updates, first, final };
}

const payloads: Record<IpcChannel, unknown> = {
  [IPC.status]: {},
  [IPC.openModel]: {},
  [IPC.useRemote]: { url: 'http://127.0.0.1:9' },
  [IPC.listConversations]: {},
  [IPC.getConversation]: { conversationId: 'abc' },
  [IPC.createConversation]: {},
  [IPC.renameConversation]: { conversationId: 'abc', title: 'x' },
  [IPC.deleteConversation]: { conversationId: 'abc' },
  [IPC.updateSettings]: { conversationId: 'abc', settings: {} },
  [IPC.selectBranch]: { conversationId: 'abc', messageId: 'def' },
  [IPC.exportConversation]: { conversationId: 'abc', format: 'json' },
  [IPC.send]: { conversationId: 'abc', parentId: null, content: 'hi' },
  [IPC.regenerate]: { conversationId: 'abc', userMessageId: 'def' },
  [IPC.stop]: { conversationId: 'abc' },
  [IPC.continueReply]: { conversationId: 'abc', messageId: 'def' },
  [IPC.contextUsage]: { conversationId: null, parentId: null, draft: 'hi' },
  [IPC.suggestTitle]: { conversationId: 'abc' },
  [IPC.endpointSettings]: {},
  [IPC.configureEndpoint]: { enabled: true, port: 0 },
  [IPC.listApiRequests]: {},
  [IPC.cancelApiRequest]: { id: 'abc' },
};

describe('IPC handlers', () => {
  it('has one handler for every command channel', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.values(IPC).sort());
  });

  describe('sender checks', () => {
    const strangers: [string, IpcSender][] = [
      ['another webContents', { ...WINDOW, webContentsId: WINDOW_ID + 1 }],
      ['a subframe of the window', { ...WINDOW, isMainFrame: false }],
      ['a remote page in the window', { ...WINDOW, frameUrl: 'https://evil.example/index.html' }],
      ['another local file', { ...WINDOW, frameUrl: 'file:///tmp/downloaded.html' }],
      ['a file beside ours', { ...WINDOW, frameUrl: RENDERER.replace('index.html', 'other.html') }],
      ['about:blank', { ...WINDOW, frameUrl: 'about:blank' }],
      ['a frame that is gone', { ...WINDOW, frameUrl: null }],
      ['a data: page', { ...WINDOW, frameUrl: 'data:text/html,<script>1</script>' }],
    ];

    it.each(strangers)('refuses every command from %s, before looking at the payload', async (_name, sender) => {
      const before = await call<ConversationSummary[]>(IPC.listConversations);
      for (const channel of Object.values(IPC)) {
        expect(await failure(channel, payloads[channel], sender)).toEqual({ error: FORBIDDEN_SENDER, error_type: 'forbidden' });
        // Even an invalid payload gets the same answer: nothing about the schemas leaks.
        expect(await failure(channel, 'not an object', sender)).toEqual({ error: FORBIDDEN_SENDER, error_type: 'forbidden' });
      }
      expect(openModelCalls).toBe(0);
      expect(await call<ConversationSummary[]>(IPC.listConversations)).toEqual(before);
      expect(warnings.at(-1)).toMatch(/^refused brook:/);
    });

    it('accepts the window with a hash or query on its URL', async () => {
      await expect(call(IPC.listConversations, {}, { ...WINDOW, frameUrl: `${RENDERER}#/chat/1` })).resolves.toBeInstanceOf(Array);
      await expect(call(IPC.listConversations, {}, { ...WINDOW, frameUrl: `${RENDERER}?x=1` })).resolves.toBeInstanceOf(Array);
    });

    it('accepts the dev server origin when the renderer is served by it', async () => {
      const dev = createIpcHandlers(
        { chats, status: () => brook.status(), openModel: async () => {}, useRemote: async () => {}, endpointSettings: () => brook.endpointSettings(), configureEndpoint: (change) => brook.configureEndpoint(change), requests: brook.requests },
        { isTrustedSender: createSenderPolicy({ rendererUrl: 'http://localhost:5173/', windowIds: () => [WINDOW_ID] }), warn: () => {} },
      );
      const ok = await dev[IPC.listConversations]({ ...WINDOW, frameUrl: 'http://localhost:5173/index.html' }, {});
      expect(ok.ok).toBe(true);
      for (const frameUrl of ['http://localhost:5174/', 'http://127.0.0.1:5173/', RENDERER]) {
        const refused = await dev[IPC.listConversations]({ ...WINDOW, frameUrl }, {});
        expect(refused).toEqual({ ok: false, error: FORBIDDEN_SENDER, error_type: 'forbidden' });
      }
    });
  });

  describe('payload validation (the wire schemas, TGI wording, 422)', () => {
    const invalid: [IpcChannel, unknown, RegExp][] = [
      [IPC.getConversation, undefined, /`body` must be object/],
      [IPC.getConversation, 'abc', /`body` must be object/],
      [IPC.getConversation, {}, /`conversationId` is required/],
      [IPC.getConversation, { conversationId: '../../etc/passwd' }, /`conversationId` must match pattern/],
      [IPC.getConversation, { conversationId: 42 }, /`conversationId` must be string/],
      [IPC.status, null, /`body` must be object/],
      [IPC.listConversations, { query: 'x'.repeat(501) }, /`query` must NOT have more than 500 characters/],
      [IPC.renameConversation, { conversationId: 'abc', title: '' }, /`title` must NOT have fewer than 1 characters/],
      [IPC.updateSettings, { conversationId: 'abc', settings: { temperature: 5 } }, /`settings.temperature` must be <= 2/],
      [IPC.updateSettings, { conversationId: 'abc', settings: { max_new_tokens: '10' } }, /`settings.max_new_tokens` must be integer/],
      [IPC.exportConversation, { conversationId: 'abc', format: 'pdf' }, /`format` must be one of "markdown", "json"/],
      [IPC.send, { conversationId: 'abc', parentId: null, content: '' }, /`content` must NOT have fewer than 1 characters/],
      [IPC.send, { conversationId: 'abc', content: 'hi' }, /`parentId` is required/],
      [IPC.send, { conversationId: 'abc', parentId: null, content: 'hi', topNTokens: 6 }, /`topNTokens` must be <= 5/],
      [IPC.regenerate, { conversationId: 'abc' }, /`userMessageId` is required/],
      [IPC.stop, { conversationId: '' }, /`conversationId` must NOT have fewer than 1 characters/],
      [IPC.endpointSettings, [], /`body` must be object/],
      [IPC.configureEndpoint, { port: 70_000 }, /`port` must be <= 65535/],
      [IPC.configureEndpoint, { port: '8080' }, /`port` must be integer/],
      [IPC.configureEndpoint, { port: 80.5 }, /`port` must be integer/],
      [IPC.configureEndpoint, { enabled: 'yes' }, /`enabled` must be boolean/],
      [IPC.configureEndpoint, { apiKey: 'short' }, /An API key is 8 to 200 printable characters without spaces/],
      [IPC.configureEndpoint, { apiKey: 'with a space' }, /An API key is 8 to 200 printable characters without spaces/],
      [IPC.cancelApiRequest, {}, /`id` is required/],
      [IPC.cancelApiRequest, { id: '../etc' }, /`id` must match pattern/],
    ];

    it.each(invalid)('%s refuses %j', async (channel, payload, message) => {
      const answer = await failure(channel, payload);
      expect(answer.error_type).toBe('validation');
      expect(answer.error).toMatch(/^Input validation error: /);
      expect(answer.error).toMatch(message);
    });

    it('answers not_found for a conversation that does not exist', async () => {
      expect(await failure(IPC.getConversation, { conversationId: 'missing' })).toMatchObject({ error_type: 'not_found' });
    });

    it('turns an unexpected failure into an error answer, and reports it', async () => {
      const failing = makeHandlers({
        openModel: async () => {
          throw new Error('disk on fire');
        },
      });
      expect(await failing[IPC.openModel](WINDOW, {})).toEqual({ ok: false, error: 'disk on fire', error_type: 'internal' });
      expect(warnings.at(-1)).toBe('brook:openModel failed: disk on fire');
    });
  });

  describe('the happy path with the real model', () => {
    it('reports the status: model ready, endpoint off, nothing busy', async () => {
      const status = await call<AppStatus>(IPC.status);
      expect(status.model.state).toBe('ready');
      expect(status.endpoint).toEqual({ url: null, enabled: false, port: 8080, apiKeySet: false });
      expect(status.busy).toEqual({ inFlight: 0, queued: 0 });
    });

    it('opens a model through the service', async () => {
      await expect(call(IPC.openModel)).resolves.toBeNull();
      expect(openModelCalls).toBe(1);
    });

    it('creates, renames, finds, sends (the reply grows), stops, regenerates (‹ 2/2 ›), switches branch, exports, deletes', async () => {
      const created = await call<Conversation>(IPC.createConversation);
      const id = created.id;
      await expect(call(IPC.renameConversation, { conversationId: id, title: 'Rivers' })).resolves.toBeNull();
      const settings = await call<Conversation>(IPC.updateSettings, { conversationId: id, settings: { temperature: 0, max_new_tokens: 200 } });
      expect(settings.settings).toMatchObject({ temperature: 0, max_new_tokens: 200 });
      const found = await call<ConversationSummary[]>(IPC.listConversations, { query: 'Rivers' });
      expect(found.map((summary) => summary.id)).toEqual([id]);

      // Send, see the reply grow, stop it.
      const first = watchReply(id);
      const sent = await call<SendResult>(IPC.send, { conversationId: id, parentId: null, content: 'Write a long story about a river.' });
      expect(sent.userMessage).toMatchObject({ role: 'user', content: 'Write a long story about a river.', parentId: null });
      expect(sent.assistantMessage).toMatchObject({ role: 'assistant', status: 'streaming', parentId: sent.userMessage.id });
      await first.first;
      // A second send while the reply runs is refused (422), not queued.
      expect(await failure(IPC.send, { conversationId: id, parentId: sent.assistantMessage.id, content: 'more' })).toMatchObject({ error_type: 'validation' });
      await expect(call(IPC.stop, { conversationId: id })).resolves.toBeNull();
      const stopped = await first.final;
      expect(stopped.status).toBe('stopped');
      expect(first.updates.length).toBeGreaterThan(0);
      expect(first.updates.map((update) => update.text).join('')).toBe(stopped.content);

      // Regenerate: a second reply, a sibling of the first, shown at once.
      const second = watchReply(id);
      const regenerated = await call<Message>(IPC.regenerate, { conversationId: id, userMessageId: sent.userMessage.id });
      expect(regenerated).toMatchObject({ role: 'assistant', parentId: sent.userMessage.id, status: 'streaming' });
      await second.first;
      await call(IPC.stop, { conversationId: id, messageId: regenerated.id });
      await second.final;
      const conversation = await call<Conversation>(IPC.getConversation, { conversationId: id });
      const siblings = Object.values(conversation.messages).filter((message) => message.parentId === sent.userMessage.id);
      expect(siblings.map((message) => message.id).sort()).toEqual([sent.assistantMessage.id, regenerated.id].sort());
      expect(conversation.activeChild[sent.userMessage.id]).toBe(regenerated.id);

      // ‹ 1/2 ›: back to the first reply.
      const switched = await call<Conversation>(IPC.selectBranch, { conversationId: id, messageId: sent.assistantMessage.id });
      expect(switched.activeChild[sent.userMessage.id]).toBe(sent.assistantMessage.id);

      const exported = await call<ExportedConversation>(IPC.exportConversation, { conversationId: id, format: 'markdown' });
      expect(exported.content).toContain('Write a long story about a river.');
      expect(exported.content).toContain(stopped.content.trim().slice(0, 20));

      await expect(call(IPC.deleteConversation, { conversationId: id })).resolves.toBeNull();
      expect((await call<ConversationSummary[]>(IPC.listConversations)).map((summary) => summary.id)).not.toContain(id);
    });

    it('sends a complete greedy reply with per-token alternatives', async () => {
      const { id } = await call<Conversation>(IPC.createConversation);
      await call(IPC.updateSettings, { conversationId: id, settings: { temperature: 0, max_new_tokens: 8 } });
      const reply = watchReply(id);
      await call<SendResult>(IPC.send, { conversationId: id, parentId: null, content: 'Say hello.', topNTokens: 2 });
      const final = await reply.final;
      expect(final.status).toBe('complete');
      expect(final.content.length).toBeGreaterThan(0);
      expect(final.tokens?.[0]?.top?.length).toBe(2);
    });
  });
  describe('the endpoint and the requests from other tools (the Local API panel)', () => {
    it('starts off (Brook started without serving), with the flags\' port and no key', async () => {
      expect(await call<EndpointSettings>(IPC.endpointSettings)).toEqual({ enabled: false, url: null, port: 8080, apiKey: null, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } });
      expect(await call<ApiRequestInfo[]>(IPC.listApiRequests)).toEqual([]);
    });

    it('turns it on with a generated key; lists a request from another tool live; cancels it; turns it off', async () => {
      const on = await call<EndpointSettings>(IPC.configureEndpoint, { enabled: true, port: 0, apiKey: 'generate' });
      expect(on).toMatchObject({ enabled: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), apiKey: expect.stringMatching(/^brook-[\w-]{43}$/), error: null });
      expect((await call<AppStatus>(IPC.status)).endpoint).toEqual({ enabled: true, url: on.url, port: on.port, apiKeySet: true });
      expect((await fetch(`${on.url}/v1/models`)).status).toBe(401);

      const lists: ApiRequestInfo[][] = [];
      const stop = brook.requests.onChange((requests) => lists.push(requests));
      const response = await fetch(`${on.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${on.apiKey}`, 'user-agent': 'my-editor/1.0' },
        body: JSON.stringify({ model: 'brook', messages: [{ role: 'user', content: 'Count from 1 to 400, separated by commas.' }], max_tokens: 400, temperature: 0, stream: true }),
      });
      expect(response.status).toBe(200);
      const reading = readSse(response);
      let running!: ApiRequestInfo;
      await vi.waitFor(
        async () => {
          const found = (await call<ApiRequestInfo[]>(IPC.listApiRequests)).find((request) => request.state === 'generating' && request.tokens >= 3);
          expect(found).toBeDefined();
          running = found!;
        },
        { timeout: 30_000, interval: 50 },
      );
      expect(running).toMatchObject({ route: '/v1/chat/completions', client: 'my-editor/1.0', state: 'generating' });
      expect(running.promptTokens).toBeGreaterThan(0);
      expect(await call<boolean>(IPC.cancelApiRequest, { id: running.id })).toBe(true);

      // The client's stream ends early, with an error event and no [DONE].
      const { events } = await reading;
      const last = JSON.parse(events.at(-1)!.data) as { error?: { message: string } };
      expect(last.error?.message).toMatch(/cancelled in Brook's window/);
      expect(events.some((event) => event.data === '[DONE]')).toBe(false);
      const [cancelled] = (await call<ApiRequestInfo[]>(IPC.listApiRequests)).filter((request) => request.id === running.id);
      expect(cancelled).toMatchObject({ state: 'cancelled', error: "The request was cancelled in Brook's window." });
      expect(cancelled!.tokens).toBeLessThan(400);
      expect(await call<boolean>(IPC.cancelApiRequest, { id: running.id })).toBe(false);
      expect(await call<boolean>(IPC.cancelApiRequest, { id: 'no-such-request' })).toBe(false);
      // Listeners saw it grow, then end.
      await vi.waitFor(() => expect(lists.at(-1)?.find((request) => request.id === running.id)?.state).toBe('cancelled'));
      expect(lists.some((list) => list.some((request) => request.id === running.id && request.state === 'generating'))).toBe(true);
      stop();

      const off = await call<EndpointSettings>(IPC.configureEndpoint, { enabled: false, apiKey: null });
      // It keeps the port it had (picked because 0 was asked for) for when it is turned on again.
      expect(off).toMatchObject({ enabled: false, url: null, port: on.port, apiKey: null, error: null });
      await expect(fetch(`${on.url}/health`)).rejects.toThrow();
      expect((await call<AppStatus>(IPC.status)).endpoint).toMatchObject({ enabled: false, url: null, apiKeySet: false });
    });

    it('refuses a port in use with a clear message, and keeps the running server', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const taken = (blocker.address() as { port: number }).port;
      try {
        const on = await call<EndpointSettings>(IPC.configureEndpoint, { enabled: true, port: 0 });
        expect(await failure(IPC.configureEndpoint, { port: taken })).toEqual({
          error: `Port ${taken} is already in use by another program. Choose another port, or 0 for any free one.`,
          error_type: 'validation',
        });
        expect(await call<EndpointSettings>(IPC.endpointSettings)).toEqual(on);
        expect((await fetch(`${on.url}/health`)).status).toBe(200);
      } finally {
        await call(IPC.configureEndpoint, { enabled: false });
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });
});
