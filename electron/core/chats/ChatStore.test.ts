import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { Conversation as ConversationSchema, DEFAULT_CHAT_SETTINGS, type Conversation } from '../wire/chats.js';
import { compile } from '../wire/validator.js';
import { ChatStore, NEW_CHAT_TITLE } from './ChatStore.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
let dir: string;
let warnings: string[];
const stores: ChatStore[] = [];

async function openStore(): Promise<ChatStore> {
  const store = await ChatStore.open(dir, { warn: (message) => warnings.push(message) });
  stores.push(store);
  return store;
}

async function onDisk(id: string): Promise<Conversation> {
  return JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Conversation;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A user/assistant exchange under `parentId`; returns both messages. */
async function turn(store: ChatStore, conversationId: string, parentId: string | null, question: string, answer: string) {
  const user = await store.addMessage(conversationId, parentId, 'user', question);
  const assistant = await store.addMessage(conversationId, user.id, 'assistant', answer);
  return { user, assistant };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-chats-'));
  warnings = [];
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('ChatStore', () => {
  it('creates conversations with default settings, a schema-valid id and a file on disk', async () => {
    const store = await openStore();
    const conversation = await store.create({ temperature: 0 });
    expect(conversation.id).toMatch(ID);
    expect(conversation.title).toBe(NEW_CHAT_TITLE);
    expect(conversation.settings).toEqual({ ...DEFAULT_CHAT_SETTINGS, temperature: 0 });
    expect(await onDisk(conversation.id)).toEqual(conversation);
    expect(compile(ConversationSchema)(await onDisk(conversation.id))).toBe(true);
  });

  it('keeps messages as a tree and follows the active children from the root', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const first = await turn(store, id, null, '  What is   the capital of France?  ', 'Paris.');
    const second = await turn(store, id, first.assistant.id, 'And of Italy?', 'Rome.');
    expect(first.user.id).toMatch(ID);
    expect(first.user.parentId).toBeNull();
    expect(second.user.parentId).toBe(first.assistant.id);
    expect(store.activePath(id).map((m) => m.content)).toEqual(['  What is   the capital of France?  ', 'Paris.', 'And of Italy?', 'Rome.']);
    expect(store.pathTo(id, second.user.id).map((m) => m.id)).toEqual([first.user.id, first.assistant.id, second.user.id]);
    // The title comes from the first user message, and only while the conversation is still "New chat".
    expect(store.get(id).title).toBe('What is the capital of France?');
    await store.addMessage(id, second.assistant.id, 'user', 'Something else');
    expect(store.get(id).title).toBe('What is the capital of France?');
  });

  it('derives a short title from a long first message', async () => {
    const store = await openStore();
    const { id } = await store.create();
    await store.addMessage(id, null, 'user', 'word '.repeat(100));
    const { title } = store.get(id);
    expect(title.length).toBeLessThanOrEqual(60);
    expect(title.endsWith('…')).toBe(true);
  });

  it('adds siblings for regenerate and edit, and selectBranch switches between them', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const first = await turn(store, id, null, 'Hi', 'Hello!');
    const deep = await turn(store, id, first.assistant.id, 'Tell me a joke', 'Why did…');
    // Regenerate: another reply to the first question, shown at once.
    const regenerated = await store.addMessage(id, first.user.id, 'assistant', 'Hey there!');
    expect(store.siblings(id, first.assistant.id).map((m) => m.id)).toEqual([first.assistant.id, regenerated.id]);
    expect(store.activePath(id).map((m) => m.content)).toEqual(['Hi', 'Hey there!']);
    // Back to the first reply: the branch below it is remembered.
    await store.selectBranch(id, first.assistant.id);
    expect(store.activePath(id).map((m) => m.id)).toEqual([first.user.id, first.assistant.id, deep.user.id, deep.assistant.id]);
    // Edit of the second question: a sibling under the same parent.
    const edited = await turn(store, id, first.assistant.id, 'Tell me a story', 'Once upon a time');
    expect(store.siblings(id, deep.user.id).map((m) => m.content)).toEqual(['Tell me a joke', 'Tell me a story']);
    expect(store.activePath(id).map((m) => m.id)).toEqual([first.user.id, first.assistant.id, edited.user.id, edited.assistant.id]);
    // Edit of the first message: a second root.
    const root = await store.addMessage(id, null, 'user', 'Bonjour');
    expect(store.siblings(id, first.user.id).map((m) => m.id)).toEqual([first.user.id, root.id]);
    expect(store.activePath(id).map((m) => m.id)).toEqual([root.id]);
    await store.selectBranch(id, first.user.id);
    expect(store.activePath(id).at(-1)?.id).toBe(edited.assistant.id);
  });

  it('searches titles and message contents case-insensitively, newest first', async () => {
    const store = await openStore();
    const cooking = await store.create();
    await turn(store, cooking.id, null, 'How do I bake BREAD?', 'Use flour, water and yeast.');
    const travel = await store.create();
    await turn(store, travel.id, null, 'Trains in Japan', 'The Shinkansen is fast.');
    const empty = await store.create();

    expect(store.list().map((c) => c.id)).toEqual([empty.id, travel.id, cooking.id]);
    expect(store.list('bread').map((c) => c.id)).toEqual([cooking.id]);
    expect(store.list('YEAST').map((c) => c.id)).toEqual([cooking.id]);
    expect(store.list('japan').map((c) => c.id)).toEqual([travel.id]);
    expect(store.list('shinkansen')[0]).toMatchObject({ id: travel.id, title: 'Trains in Japan', preview: 'The Shinkansen is fast.' });
    expect(store.list('nothing like this')).toEqual([]);
    expect(store.list('  ').length).toBe(3);

    // A new message moves its conversation to the top.
    await store.addMessage(cooking.id, null, 'user', 'Another question');
    expect(store.list()[0]?.id).toBe(cooking.id);
  });

  it('finds text in branches that are not on screen', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const first = await turn(store, id, null, 'Hi', 'A hidden pineapple');
    await store.addMessage(id, first.user.id, 'assistant', 'Visible reply');
    expect(store.list('pineapple').map((c) => c.id)).toEqual([id]);
  });

  it('renames, updates settings and deletes', async () => {
    const store = await openStore();
    const keep = await store.create();
    const drop = await store.create();
    await store.rename(keep.id, 'My chat');
    expect(store.get(keep.id).title).toBe('My chat');
    // A renamed conversation keeps its title when the first message arrives.
    await store.addMessage(keep.id, null, 'user', 'Hello');
    expect(store.get(keep.id).title).toBe('My chat');

    const updated = await store.updateSettings(keep.id, { temperature: 0, seed: 42, unknown: 1 } as never);
    expect(updated.settings).toEqual({ ...DEFAULT_CHAT_SETTINGS, temperature: 0, seed: 42 });
    expect((await onDisk(keep.id)).settings.seed).toBe(42);

    await store.delete(drop.id);
    expect(store.has(drop.id)).toBe(false);
    expect(() => store.get(drop.id)).toThrow(ApiError);
    expect(await readdir(dir)).toEqual([`${keep.id}.json`]);
    await expect(store.delete(drop.id)).rejects.toMatchObject({ errorType: 'not_found' });
  });

  it('rejects unknown conversations and messages with not_found', async () => {
    const store = await openStore();
    const { id } = await store.create();
    await expect(store.addMessage(id, 'missing', 'user', 'x')).rejects.toMatchObject({ errorType: 'not_found', status: 404 });
    expect(() => store.activePath('missing')).toThrow(/not found/);
    expect(() => store.siblings(id, 'missing')).toThrow(/not found/);
    await expect(store.selectBranch(id, 'toString')).rejects.toMatchObject({ errorType: 'not_found' });
  });

  it('exports the active path as Markdown and the whole tree as JSON', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const first = await turn(store, id, null, 'What is 2 + 2?', 'It is **4**.');
    await store.addMessage(id, first.user.id, 'assistant', 'Four.');
    const stopped = await store.addMessage(id, first.user.id, 'assistant', 'Partial', 'stopped');

    const markdown = store.exportMarkdown(id);
    expect(markdown.filename).toBe('What-is-2-2.md');
    expect(markdown.mimeType).toBe('text/markdown');
    expect(markdown.content).toBe(
      '# What is 2 + 2?\n\n> You are a helpful assistant.\n\n## User\n\nWhat is 2 + 2?\n\n## Assistant\n\nPartial\n\n_(stopped)_\n',
    );

    const json = store.exportJson(id);
    expect(json.filename).toBe('What-is-2-2.json');
    expect(json.mimeType).toBe('application/json');
    const tree = JSON.parse(json.content) as Conversation;
    expect(tree).toEqual(store.get(id));
    expect(Object.keys(tree.messages)).toHaveLength(4);
    expect(tree.activeChild[first.user.id]).toBe(stopped.id);
  });

  it('reopens with everything restored', async () => {
    const store = await openStore();
    const a = await store.create({ systemPrompt: 'Be brief.' });
    const first = await turn(store, a.id, null, 'Hi', 'Hello');
    await store.addMessage(a.id, first.user.id, 'assistant', 'Hey');
    await store.selectBranch(a.id, first.assistant.id);
    const b = await store.create();
    await store.rename(b.id, 'Second');
    await store.close();

    const reopened = await openStore();
    expect(reopened.get(a.id)).toEqual(store.get(a.id));
    expect(reopened.get(b.id)).toEqual(store.get(b.id));
    expect(reopened.list()).toEqual(store.list());
    expect(reopened.activePath(a.id).map((m) => m.content)).toEqual(['Hi', 'Hello']);
    // New timestamps stay after the loaded ones.
    const c = await reopened.create();
    expect(c.updatedAt).toBeGreaterThan(reopened.get(b.id).updatedAt);
    expect(warnings).toEqual([]);
  });

  it('leaves no temp files behind', async () => {
    const store = await openStore();
    const { id } = await store.create();
    await Promise.all([turn(store, id, null, 'a', 'b'), store.rename(id, 'x'), store.updateSettings(id, { top_k: 3 })]);
    expect(await readdir(dir)).toEqual([`${id}.json`]);
    expect(await onDisk(id)).toEqual(store.get(id));
  });

  it('skips a corrupt file and a stray temp file on open, and deletes neither nor anything else', async () => {
    const store = await openStore();
    const good = await store.create();
    await turn(store, good.id, null, 'Keep me', 'Kept');
    await store.close();

    const intact = await readFile(join(dir, `${good.id}.json`), 'utf8');
    // What a crash during a write could leave if writes were not atomic, and a leftover of an atomic one.
    await writeFile(join(dir, 'halfwritten.json'), intact.slice(0, intact.length / 2));
    await writeFile(join(dir, 'notaconversation.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(dir, `.${good.id}.abc.tmp`), intact.slice(0, 10));
    await writeFile(join(dir, 'notes.txt'), 'not ours');

    const reopened = await openStore();
    expect(reopened.list().map((c) => c.id)).toEqual([good.id]);
    expect(reopened.activePath(good.id).map((m) => m.content)).toEqual(['Keep me', 'Kept']);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/halfwritten\.json/);
    expect(warnings.join('\n')).toMatch(/notaconversation\.json/);
    expect((await readdir(dir)).sort()).toEqual([`.${good.id}.abc.tmp`, `${good.id}.json`, 'halfwritten.json', 'notaconversation.json', 'notes.txt'].sort());
  });

  it('reopens a reply saved mid-stream as stopped, and saves that', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const user = await store.addMessage(id, null, 'user', 'Hi');
    const reply = await store.addMessage(id, user.id, 'assistant', 'Half a rep', 'streaming');
    expect((await onDisk(id)).messages[reply.id]?.status).toBe('streaming');

    // The app died: the next start reads the same folder.
    const reopened = await openStore();
    expect(reopened.getMessage(id, reply.id)).toMatchObject({ status: 'stopped', content: 'Half a rep' });
    expect((await onDisk(id)).messages[reply.id]?.status).toBe('stopped');
  });

  it('writes a streaming reply at most once per second, and loses at most that second if killed', async () => {
    const store = await openStore();
    const other = await store.create();
    await turn(store, other.id, null, 'Unrelated', 'Untouched');
    const { id } = await store.create();
    const user = await store.addMessage(id, null, 'user', 'Count');
    const reply = await store.addMessage(id, user.id, 'assistant', '', 'streaming');
    const token = (text: string) => ({ id: 1, text, logprob: -0.5, special: false });

    const started = Date.now();
    store.appendToMessage(id, reply.id, 'one', [token('one')]);
    // The file was written a moment ago (the message was added): this append waits for the interval.
    expect((await onDisk(id)).messages[reply.id]?.content).toBe('');
    for (let i = 0; i < 200; i += 1) {
      await sleep(10);
      if ((await onDisk(id)).messages[reply.id]?.content === 'one') break;
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await onDisk(id)).messages[reply.id]).toMatchObject({ content: 'one', status: 'streaming', tokens: [token('one')] });

    // More text within the interval stays in memory only.
    store.appendToMessage(id, reply.id, ' two', [token(' two')]);
    store.appendToMessage(id, reply.id, ' three', [token(' three')]);
    await sleep(100);
    expect(store.getMessage(id, reply.id).content).toBe('one two three');
    expect((await onDisk(id)).messages[reply.id]?.content).toBe('one');

    // Killed now: a fresh start from the folder has everything but the last second of the reply.
    const afterKill = await ChatStore.open(dir, { warn: (message) => warnings.push(message) });
    expect(afterKill.getMessage(id, reply.id)).toMatchObject({ content: 'one', status: 'stopped' });
    expect(afterKill.activePath(other.id).map((m) => m.content)).toEqual(['Unrelated', 'Untouched']);
    expect(afterKill.list().map((c) => c.id).sort()).toEqual([id, other.id].sort());

    // Without a kill, the waiting text is written within the interval…
    await sleep(1100);
    // (the reopened store repaired the file to 'stopped'; the running one writes its own state again)
    expect((await onDisk(id)).messages[reply.id]).toMatchObject({ content: 'one two three', status: 'streaming' });
    // …and the end of the reply is written at once.
    store.appendToMessage(id, reply.id, ' four');
    await store.updateMessage(id, reply.id, { status: 'complete', stats: { firstTokenMs: 5, tokensPerSecond: 10, tokens: 4, finishReason: 'eos_token' } });
    expect((await onDisk(id)).messages[reply.id]).toMatchObject({ content: 'one two three four', status: 'complete', stats: { tokens: 4 } });
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('flush writes waiting text at once', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const user = await store.addMessage(id, null, 'user', 'Hi');
    const reply = await store.addMessage(id, user.id, 'assistant', '', 'streaming');
    store.appendToMessage(id, reply.id, 'Hello');
    await store.flush(id);
    expect((await onDisk(id)).messages[reply.id]?.content).toBe('Hello');
  });

  it('does not bring a deleted conversation back from a waiting write', async () => {
    const store = await openStore();
    const { id } = await store.create();
    const user = await store.addMessage(id, null, 'user', 'Hi');
    const reply = await store.addMessage(id, user.id, 'assistant', '', 'streaming');
    store.appendToMessage(id, reply.id, 'Hello');
    await store.delete(id);
    await sleep(1100);
    await store.flush();
    expect(await readdir(dir)).toEqual([]);
  });
});
