// The window's IPC commands without Electron: the plain handlers against the real core (Brook with its
// ChatStore in a temp folder and the real model; no HTTP server), called with the sender info ipcMain gives.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Brook } from '../core/Brook.js';
import type { ChatService } from '../core/chats/ChatService.js';
import { parseConfig } from '../core/config.js';
import type { AppStatus, ReplyUpdate, SendResult } from '../core/wire/bridge.js';
import type { Conversation, ConversationSummary, ExportedConversation, Message } from '../core/wire/chats.js';
import { IPC, type IpcChannel, type IpcResponse } from './ipcChannels.js';
import { createIpcHandlers, FORBIDDEN_SENDER, type IpcHandler, type IpcServices } from './ipcHandlers.js';
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

function makeHandlers(overrides: Partial<IpcServices>): Record<IpcChannel, IpcHandler> {
  return createIpcHandlers(
    {
      chats,
      status: () => brook.status(),
      openModel: async () => {
        openModelCalls += 1;
      },
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
        { chats, status: () => brook.status(), openModel: async () => {} },
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
      [IPC.exportConversation, { conversationId: 'abc', format: 'pdf' }, /`format` (has an invalid value|must be equal to constant)/],
      [IPC.send, { conversationId: 'abc', parentId: null, content: '' }, /`content` must NOT have fewer than 1 characters/],
      [IPC.send, { conversationId: 'abc', content: 'hi' }, /`parentId` is required/],
      [IPC.send, { conversationId: 'abc', parentId: null, content: 'hi', topNTokens: 6 }, /`topNTokens` (has an invalid value|must be <= 5)/],
      [IPC.regenerate, { conversationId: 'abc' }, /`userMessageId` is required/],
      [IPC.stop, { conversationId: '' }, /`conversationId` must NOT have fewer than 1 characters/],
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
      expect(warnings.at(-1)).toBe('brook:open-model failed: disk on fire');
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
});
