// The conversation service against the real model (SmolLM2-135M): nothing stands in for the engine.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backends/local/LocalBackend.js';
import { RemoteBackend } from '../backends/remote/RemoteBackend.js';
import type { Engine } from '../engine/Engine.js';
import type { ReplyUpdate } from '../wire/bridge.js';
import type { ChatSettings, Conversation, Message } from '../wire/chats.js';
import { ChatService } from './ChatService.js';
import { ChatStore } from './ChatStore.js';

const MODEL = resolve('resources/models/SmolLM2-135M-Instruct.Q4_1.gguf');
/** A small context keeps the "prompt does not fit" cases quick to prefill on a CPU. */
const CONTEXT_SIZE = 512;
const GREEDY: Partial<ChatSettings> = { temperature: 0, max_new_tokens: 16 };

let engine: Engine;
let scheduler: LocalBackend;
let store: ChatStore;
let service: ChatService;
let dir: string;

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`model missing at ${MODEL}: run npm run fetch-model`);
  dir = await mkdtemp(join(tmpdir(), 'brook-chat-service-'));
  scheduler = new LocalBackend({ sequences: 2, contextSize: CONTEXT_SIZE, maxConcurrentRequests: 4 });
  await scheduler.load(MODEL);
  engine = scheduler.engine!;
  store = await ChatStore.open(dir);
  service = new ChatService(store, scheduler);
});

afterAll(async () => {
  await service?.stopAll();
  await store?.close();
  await scheduler?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Reply {
  updates: (ReplyUpdate & { at: number })[];
  /** Resolves with the last update's saved message. */
  final: Promise<Message>;
  /** Resolves at the first update. */
  first: Promise<void>;
}

/** Collects one conversation's next reply; subscribe before sending. */
function watch(conversationId: string, on: ChatService = service): Reply {
  const updates: Reply['updates'] = [];
  let gotFirst!: () => void;
  const first = new Promise<void>((resolve) => (gotFirst = resolve));
  const final = new Promise<Message>((resolve) => {
    const unsubscribe = on.onReply((update) => {
      if (update.conversationId !== conversationId) return;
      updates.push({ ...update, at: performance.now() });
      gotFirst();
      if (update.final) {
        unsubscribe();
        resolve(update.final);
      }
    });
  });
  return { updates, final, first };
}

async function ask(conversation: Conversation, parentId: string | null, content: string, topNTokens?: number) {
  const reply = watch(conversation.id);
  const sent = await service.send(conversation.id, parentId, content, topNTokens);
  return { ...sent, reply, final: await reply.final };
}

async function onDisk(id: string): Promise<Conversation> {
  return JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Conversation;
}

// Generous: the model shares small CI machines with other test processes.
describe('ChatService with the real model', { timeout: 240_000 }, () => {
  it('refuses to send while no model is ready, and changes nothing', async () => {
    // A backend that has not finished getting ready (a remote server being asked what it serves).
    const loading = new ChatService(store, new RemoteBackend({ url: 'http://127.0.0.1:9', protocol: 'auto', apiKey: null, maxConcurrentRequests: 1 }));
    const conversation = await loading.create();
    await expect(loading.send(conversation.id, null, 'Hello')).rejects.toMatchObject({
      errorType: 'model_not_ready',
      status: 424,
      message: expect.stringMatching(/loading.*wait/i) as unknown,
    });
    await expect(loading.regenerate(conversation.id, 'abc')).rejects.toMatchObject({ errorType: 'model_not_ready' });
    expect(store.get(conversation.id).messages).toEqual({});
  });

  it('validates payloads and refers to missing things with not_found', async () => {
    const conversation = await service.create(GREEDY);
    await expect(service.send(conversation.id, null, '')).rejects.toMatchObject({ errorType: 'validation', status: 422 });
    await expect(service.send('bad id!', null, 'Hi')).rejects.toMatchObject({ errorType: 'validation' });
    await expect(service.send('missing', null, 'Hi')).rejects.toMatchObject({ errorType: 'not_found' });
    await expect(service.send(conversation.id, 'missing', 'Hi')).rejects.toMatchObject({ errorType: 'not_found' });
    await expect(service.updateSettings(conversation.id, { temperature: 5 })).rejects.toMatchObject({ errorType: 'validation' });
    await expect(service.create({ top_k: -1 })).rejects.toMatchObject({ errorType: 'validation' });
    expect(service.isGenerating(conversation.id)).toBe(false);
  });

  it('streams a reply in several updates and saves it with its stats', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 24 });
    const reply = watch(conversation.id);
    const { userMessage, assistantMessage } = await service.send(conversation.id, null, 'Write a short poem about the sea.');
    expect(userMessage).toMatchObject({ role: 'user', parentId: null, content: 'Write a short poem about the sea.', status: 'complete' });
    expect(assistantMessage).toMatchObject({ role: 'assistant', parentId: userMessage.id, content: '', status: 'streaming' });
    expect(service.isGenerating(conversation.id)).toBe(true);
    expect((await service.get(conversation.id)).title).toBe('Write a short poem about the sea.');

    const final = await reply.final;
    const { updates } = reply;
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.filter((u) => u.final)).toHaveLength(1);
    expect(updates.at(-1)?.final).toBe(final);
    expect(updates.every((u) => u.messageId === assistantMessage.id)).toBe(true);
    // One update per frame at most.
    for (let i = 1; i < updates.length; i += 1) expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(16);

    expect(final.status).toBe('complete');
    expect(final.content.trim().length).toBeGreaterThan(0);
    expect(updates.map((u) => u.text).join('')).toBe(final.content);
    expect(final.content).not.toMatch(/<\|im_(start|end)\|>/);
    expect(final.tokens?.map((t) => t.text).join('')).toBe(final.content);
    expect(final.tokens?.every((t) => !t.special && t.logprob !== null && t.logprob <= 0)).toBe(true);
    expect(updates.flatMap((u) => u.tokens)).toEqual(final.tokens);
    expect(final.stats).toMatchObject({ finishReason: expect.stringMatching(/^(length|eos_token)$/) as unknown });
    expect(final.stats!.tokens).toBeGreaterThan(0);
    expect(final.stats!.tokens).toBeLessThanOrEqual(24);
    expect(final.stats!.firstTokenMs).toBeGreaterThan(0);
    expect(final.stats!.tokensPerSecond).toBeGreaterThan(0);

    expect(service.isGenerating(conversation.id)).toBe(false);
    expect((await service.get(conversation.id)).messages[assistantMessage.id]).toEqual(final);
    expect((await onDisk(conversation.id)).messages[assistantMessage.id]).toEqual(final);
    const [summary] = await service.list('poem');
    expect(summary).toMatchObject({ id: conversation.id, preview: expect.any(String) as unknown });
  });

  it('says how far a long message has been read before the first token', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 4 });
    const notes = Array.from({ length: 60 }, (_, i) => `Item ${i + 1}: ${['apples', 'pears', 'plums'][i % 3]}.`).join(' ');
    const { reply } = await ask(conversation, null, `${notes} How many items are there?`);
    const progress = reply.updates.flatMap((update) => (update.promptProgress === undefined ? [] : [update.promptProgress]));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.every((fraction, i) => fraction > (i === 0 ? 0 : progress[i - 1]!) && fraction < 1)).toBe(true);
    // Progress comes before any text, in updates of its own.
    const firstText = reply.updates.findIndex((update) => update.text !== '' || update.final);
    expect(reply.updates.slice(0, firstText).every((update) => update.promptProgress !== undefined && update.text === '')).toBe(true);
    expect(reply.updates.slice(firstText).every((update) => update.promptProgress === undefined)).toBe(true);
  });

  it('gives the same text twice with greedy decoding, and with the same seed', async () => {
    const question = 'Name three colors.';
    const a = await ask(await service.create(GREEDY), null, question);
    const b = await ask(await service.create(GREEDY), null, question);
    expect(a.final.content.length).toBeGreaterThan(0);
    expect(b.final.content).toBe(a.final.content);

    const seeded: Partial<ChatSettings> = { temperature: 1.2, top_p: 0.99, top_k: 0, seed: 1234, max_new_tokens: 16 };
    const c = await ask(await service.create(seeded), null, question);
    const d = await ask(await service.create(seeded), null, question);
    expect(d.final.content).toBe(c.final.content);
  });

  it('coalesces tokens into fewer updates than tokens when tokens come faster than the interval', async () => {
    // A long interval makes the batching visible however fast (or busy) this machine is.
    const slow = new ChatService(store, scheduler, { updateIntervalMs: 500 });
    const conversation = await slow.create({ temperature: 0, max_new_tokens: 40 });
    const reply = watch(conversation.id, slow);
    await slow.send(conversation.id, null, 'Write a long story about a dragon.');
    const final = await reply.final;
    const tokens = reply.updates.flatMap((u) => u.tokens);
    expect(tokens).toEqual(final.tokens);
    expect(tokens.length).toBeGreaterThan(10);
    expect(reply.updates.length).toBeLessThan(tokens.length);
    expect(reply.updates.some((u) => u.tokens.length > 1)).toBe(true);
    for (let i = 1; i < reply.updates.length; i += 1) expect(reply.updates[i]!.at - reply.updates[i - 1]!.at).toBeGreaterThanOrEqual(500);
    expect(reply.updates.map((u) => u.text).join('')).toBe(final.content);
  });

  it('refuses a second send while a reply runs; stop keeps the partial text and frees the model at once', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 400 });
    const reply = watch(conversation.id);
    const { assistantMessage } = await service.send(conversation.id, null, 'Write a long story about a dragon.');
    await reply.first;

    await expect(service.send(conversation.id, assistantMessage.id, 'Another')).rejects.toMatchObject({
      errorType: 'validation',
      status: 422,
      message: expect.stringContaining('a reply is still being generated; stop it first') as unknown,
    });
    await expect(service.regenerate(conversation.id, assistantMessage.parentId!)).rejects.toMatchObject({ errorType: 'validation' });

    await service.stop(conversation.id);
    // By the time stop resolves, the reply is saved and its last update sent.
    const final = reply.updates.at(-1)?.final;
    expect(final).toBeDefined();
    expect(final).toMatchObject({ id: assistantMessage.id, status: 'stopped', stats: { finishReason: 'stopped' } });
    expect(final!.content.length).toBeGreaterThan(0);
    expect(final!.stats!.tokens).toBeLessThan(400);
    expect(reply.updates.map((u) => u.text).join('')).toBe(final!.content);
    expect((await onDisk(conversation.id)).messages[assistantMessage.id]).toMatchObject({ status: 'stopped', content: final!.content });
    expect(scheduler.stats).toEqual({ inFlight: 0, queued: 0, running: 0 });
    expect(service.isGenerating(conversation.id)).toBe(false);

    // The next message goes at once.
    await service.updateSettings(conversation.id, { max_new_tokens: 8 });
    const next = await ask(conversation, assistantMessage.id, 'Thanks. Now say hello.');
    expect(next.final.status).toBe('complete');
    expect(next.final.content.length).toBeGreaterThan(0);
    // Stopping when nothing runs is harmless.
    await service.stop(conversation.id);
  });

  it('regenerates as a sibling, and selectBranch shows either reply', async () => {
    const conversation = await service.create({ temperature: 1, seed: null, max_new_tokens: 12 });
    const first = await ask(conversation, null, 'Tell me a fun fact.');
    const reply = watch(conversation.id);
    const second = await service.regenerate(conversation.id, first.userMessage.id);
    expect(second).toMatchObject({ role: 'assistant', parentId: first.userMessage.id, status: 'streaming', content: '' });
    const secondFinal = await reply.final;
    expect(secondFinal).toMatchObject({ id: second.id, status: 'complete' });
    expect(secondFinal.content.length).toBeGreaterThan(0);

    expect(store.siblings(conversation.id, first.assistantMessage.id).map((m) => m.id)).toEqual([first.assistantMessage.id, second.id]);
    expect(store.activePath(conversation.id).map((m) => m.id)).toEqual([first.userMessage.id, second.id]);
    let shown = await service.selectBranch(conversation.id, first.assistantMessage.id);
    expect(shown.activeChild[first.userMessage.id]).toBe(first.assistantMessage.id);
    expect(store.activePath(conversation.id).map((m) => m.content)).toEqual([first.userMessage.content, first.final.content]);
    shown = await service.selectBranch(conversation.id, second.id);
    expect(store.activePath(conversation.id).map((m) => m.content)).toEqual([first.userMessage.content, secondFinal.content]);

    await expect(service.regenerate(conversation.id, second.id)).rejects.toMatchObject({ errorType: 'validation' });
  });

  it('editing an earlier message (send under its parent) makes a branch', async () => {
    const conversation = await service.create(GREEDY);
    const one = await ask(conversation, null, 'Hi! What is your name?');
    const two = await ask(conversation, one.assistantMessage.id, 'What is the capital of France?');
    const edited = await ask(conversation, one.assistantMessage.id, 'What is the capital of Italy?');

    expect(edited.userMessage.parentId).toBe(one.assistantMessage.id);
    expect(store.siblings(conversation.id, two.userMessage.id).map((m) => m.content)).toEqual([
      'What is the capital of France?',
      'What is the capital of Italy?',
    ]);
    const ids = (path: Message[]) => path.map((m) => m.id);
    expect(ids(store.activePath(conversation.id))).toEqual([one.userMessage.id, one.assistantMessage.id, edited.userMessage.id, edited.assistantMessage.id]);
    await service.selectBranch(conversation.id, two.userMessage.id);
    expect(ids(store.activePath(conversation.id))).toEqual([one.userMessage.id, one.assistantMessage.id, two.userMessage.id, two.assistantMessage.id]);
    expect(edited.final.status).toBe('complete');

    const markdown = await service.export(conversation.id, 'markdown');
    expect(markdown.content).toContain('What is the capital of France?');
    expect(markdown.content).not.toContain('What is the capital of Italy?');
    const json = JSON.parse((await service.export(conversation.id, 'json')).content) as Conversation;
    expect(Object.keys(json.messages)).toHaveLength(6);
  });

  it('returns alternatives per token when asked', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 6 });
    const { final } = await ask(conversation, null, 'Say yes.', 3);
    expect(final.tokens!.length).toBeGreaterThan(0);
    for (const token of final.tokens!) {
      expect(token.top).toHaveLength(3);
      // Greedy: the chosen token is the most likely one.
      expect(token.top![0]!.id).toBe(token.id);
    }
  });

  it('regenerates with alternatives per token when asked, and without them when not', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 6 });
    const first = await ask(conversation, null, 'Say yes.');
    expect(first.final.tokens!.length).toBeGreaterThan(0);
    expect(first.final.tokens!.every((token) => token.top === undefined)).toBe(true);

    const reply = watch(conversation.id);
    await service.regenerate(conversation.id, first.userMessage.id, 2);
    const final = await reply.final;
    expect(final.status).toBe('complete');
    expect(final.tokens!.length).toBeGreaterThan(0);
    for (const token of final.tokens!) {
      expect(token.top).toHaveLength(2);
      expect(token.top![0]!.id).toBe(token.id);
    }
    await expect(service.regenerate(conversation.id, first.userMessage.id, 6)).rejects.toMatchObject({ errorType: 'validation' });
  });

  it('fits the reply into what the context has left, and ends a prompt that does not fit with an error', async () => {
    // About 480 prompt tokens in a 512-token context: max_new_tokens 512 is clamped to what is left.
    const conversation = await service.create({ temperature: 0, max_new_tokens: 512, systemPrompt: '' });
    const content = `${'The quick brown fox jumps over the lazy dog. '.repeat(45)}\nIgnore the text above. Write a long story about a dragon.`;
    const inputLength = engine.tokenize({ messages: [{ role: 'user', content }] }).length;
    expect(inputLength).toBeGreaterThan(450);
    const fits = await ask(conversation, null, content);
    expect(fits.final).toMatchObject({ status: 'complete', stats: { finishReason: 'length', tokens: CONTEXT_SIZE - inputLength } });

    const long = await service.create(GREEDY);
    const tooLong = await ask(long, null, 'hello '.repeat(600));
    expect(tooLong.final).toMatchObject({ status: 'error', content: '', stats: { finishReason: 'error', tokens: 0 } });
    expect(tooLong.final.error).toMatch(/too long.*Start a new conversation/);
    expect(tooLong.reply.updates).toHaveLength(1);
    expect((await onDisk(long.id)).messages[tooLong.assistantMessage.id]?.status).toBe('error');
    expect(service.isGenerating(long.id)).toBe(false);
    expect(scheduler.stats.inFlight).toBe(0);
  });

  it('stopAll stops every reply and saves them; delete stops its reply first', async () => {
    const a = await service.create({ temperature: 0, max_new_tokens: 400 });
    const b = await service.create({ temperature: 0, max_new_tokens: 400 });
    const replyA = watch(a.id);
    const replyB = watch(b.id);
    const sentA = await service.send(a.id, null, 'Write a long story about a dragon.');
    const sentB = await service.send(b.id, null, 'Write a long story about a knight.');
    await Promise.all([replyA.first, replyB.first]);
    await service.stopAll();
    for (const [reply, sent, id] of [[replyA, sentA, a.id], [replyB, sentB, b.id]] as const) {
      const final = reply.updates.at(-1)?.final;
      expect(final).toMatchObject({ id: sent.assistantMessage.id, status: 'stopped' });
      expect(final!.content.length).toBeGreaterThan(0);
      expect((await onDisk(id)).messages[sent.assistantMessage.id]).toMatchObject({ status: 'stopped', content: final!.content });
    }
    // What a restart reads back.
    const reopened = await ChatStore.open(dir);
    expect(reopened.getMessage(a.id, sentA.assistantMessage.id).content).toBe(replyA.updates.at(-1)!.final!.content);

    const c = await service.create({ temperature: 0, max_new_tokens: 400 });
    const replyC = watch(c.id);
    await service.send(c.id, null, 'Write a long story about a dragon.');
    await replyC.first;
    await service.delete(c.id);
    expect((await replyC.final).status).toBe('stopped');
    expect(existsSync(join(dir, `${c.id}.json`))).toBe(false);
    expect((await service.list()).some((s) => s.id === c.id)).toBe(false);
    expect(scheduler.stats).toEqual({ inFlight: 0, queued: 0, running: 0 });
  });

  it('continues a stopped reply in the same message, after the text it had', async () => {
    const conversation = await service.create({ temperature: 0, max_new_tokens: 300 });
    const first = watch(conversation.id);
    const sent = await service.send(conversation.id, null, 'Write a long story about a lighthouse.');
    await first.first;
    await service.stop(conversation.id);
    const stopped = await first.final;
    expect(stopped).toMatchObject({ status: 'stopped' });
    await service.updateSettings(conversation.id, { max_new_tokens: 8 });

    const more = watch(conversation.id);
    const streaming = await service.continueReply(conversation.id, sent.assistantMessage.id);
    expect(streaming).toMatchObject({ id: sent.assistantMessage.id, status: 'streaming' });
    const final = await more.final;
    expect(final.id).toBe(sent.assistantMessage.id);
    expect(['complete', 'stopped']).toContain(final.status);
    expect(final.content.startsWith(stopped.content)).toBe(true);
    expect(final.stats!.tokens).toBeGreaterThanOrEqual(stopped.stats!.tokens);
    // Only a stopped reply can be continued.
    await expect(service.continueReply(conversation.id, sent.userMessage.id)).rejects.toMatchObject({ errorType: 'validation' });
  });

  it("measures the next prompt against the context, and names a chat from its first exchange", async () => {
    const counted = async (draft: string, conversationId: string | null = null, parentId: string | null = null) => {
      const usage = await service.contextUsage(conversationId, parentId, draft);
      if (usage.promptTokens === null) throw new Error(`not counted: ${JSON.stringify(usage)}`);
      return usage;
    };
    const empty = await counted('');
    expect(empty).toEqual({ promptTokens: expect.any(Number) as unknown, contextSize: CONTEXT_SIZE, overflowTokens: 0 });
    const draft = await counted('What is the capital of France?');
    expect(draft.promptTokens).toBeGreaterThan(empty.promptTokens);

    const conversation = await service.create(GREEDY);
    const { final } = await ask(conversation, null, 'What is the capital of France?');
    const after = await counted('And of Italy?', conversation.id, final.id);
    expect(after.promptTokens).toBeGreaterThan(draft.promptTokens);

    // Past the context: still counted, with by how much (one token is left for the reply).
    const long = await counted('word '.repeat(CONTEXT_SIZE));
    expect(long.promptTokens).toBeGreaterThan(CONTEXT_SIZE);
    expect(long.overflowTokens).toBe(long.promptTokens - (CONTEXT_SIZE - 1));
    // More characters than any prompt that fits could have: not tokenized, and said so.
    const absurd = await service.contextUsage(null, null, 'x'.repeat(CONTEXT_SIZE * 16));
    expect(absurd).toEqual({ promptTokens: null, contextSize: CONTEXT_SIZE, characters: expect.any(Number) as unknown, maxCharacters: (CONTEXT_SIZE - 1) * 16 });
    if (absurd.promptTokens === null) expect(absurd.characters).toBeGreaterThan(absurd.maxCharacters);

    const title = await service.suggestTitle(conversation.id);
    expect(title.length).toBeGreaterThan(0);
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title).not.toContain('\n');
    expect(scheduler.stats.inFlight).toBe(0);
  });
});
