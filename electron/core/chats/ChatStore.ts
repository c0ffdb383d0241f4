import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../errors.js';
import { activePath as activePathOf } from '../wire/activePath.js';
import {
  Conversation as ConversationSchema,
  DEFAULT_CHAT_SETTINGS,
  type ChatSettings,
  type Conversation,
  type ConversationSummary,
  type ExportedConversation,
  type Message,
  type MessageStatus,
  type MessageToken,
} from '../wire/chats.js';
import { compile } from '../wire/validator.js';
import { exportConversation } from './exportConversation.js';
import { newId } from './newId.js';

export const NEW_CHAT_TITLE = 'New chat';

/** What a reply may change on its message after it was added. */
export type MessagePatch = Partial<Pick<Message, 'content' | 'status' | 'error' | 'stats' | 'tokens'>>;

export interface ChatStoreOptions {
  /** While a reply streams, its conversation's file is written at most this often (ms). */
  streamWriteIntervalMs?: number;
  /** Where skipped files and failed writes are reported. */
  warn?: (message: string) => void;
}

const FILE_NAME = /^([A-Za-z0-9_-]{1,64})\.json$/;
const TEMP_SUFFIX = '.tmp';
/** A temp file older than this is a leftover of a write the process did not finish. */
const STALE_TEMP_MS = 60_000;
const TITLE_LENGTH = 60;
const PREVIEW_LENGTH = 120;
const SETTING_KEYS = Object.keys(DEFAULT_CHAT_SETTINGS) as (keyof ChatSettings)[];

interface FileState {
  /** Writes and deletes of one file run one after another. */
  chain: Promise<void>;
  lastWriteAt: number;
  /** A throttled write waiting for its turn. */
  scheduled: { timer: NodeJS.Timeout; done: Promise<void>; resolve: (write: Promise<void>) => void } | null;
}

/**
 * Conversations as message trees, one JSON file each in `dir`. Every write replaces the whole file
 * atomically (temp file in the same folder, fsync, rename), so a crash leaves either the old or the new
 * file, never half of one. Mutations apply in memory at once (before the returned promise's first await)
 * and resolve once the file is on disk; streamed text is written at most once per interval.
 */
export class ChatStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly files = new Map<string, FileState>();
  private readonly streamWriteIntervalMs: number;
  private readonly warn: (message: string) => void;
  private lastTimestamp = 0;

  constructor(
    readonly dir: string,
    options: ChatStoreOptions = {},
  ) {
    this.streamWriteIntervalMs = options.streamWriteIntervalMs ?? 1000;
    this.warn = options.warn ?? ((message) => console.warn(`[chats] ${message}`));
  }

  static async open(dir: string, options?: ChatStoreOptions): Promise<ChatStore> {
    const store = new ChatStore(dir, options);
    await store.load();
    return store;
  }

  /** Reads every conversation file; unreadable ones are skipped (and left alone) with a warning. */
  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const validate = compile(ConversationSchema);
    const repaired: Promise<void>[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.endsWith(TEMP_SUFFIX)) {
        await this.removeStaleTemp(name);
        continue;
      }
      const id = FILE_NAME.exec(name)?.[1];
      if (!id) continue;
      let conversation: unknown;
      try {
        conversation = JSON.parse(await readFile(join(this.dir, name), 'utf8'));
      } catch (error) {
        this.warn(`skipping ${name}: ${(error as Error).message}`);
        continue;
      }
      if (!validate(conversation) || (conversation as Conversation).id !== id) {
        this.warn(`skipping ${name}: not a valid conversation`);
        continue;
      }
      const loaded = conversation as Conversation;
      this.lastTimestamp = Math.max(this.lastTimestamp, loaded.updatedAt);
      let interrupted = false;
      for (const message of Object.values(loaded.messages)) {
        this.lastTimestamp = Math.max(this.lastTimestamp, message.createdAt);
        // The app died mid-reply: what was saved is a partial reply.
        if (message.status === 'streaming') {
          message.status = 'stopped';
          interrupted = true;
        }
      }
      this.conversations.set(id, loaded);
      if (interrupted) repaired.push(this.persist(id));
    }
    await Promise.all(repaired);
  }

  list(query?: string): ConversationSummary[] {
    const needle = query?.trim().toLowerCase();
    const matches = (c: Conversation) =>
      !needle || c.title.toLowerCase().includes(needle) || Object.values(c.messages).some((m) => m.content.toLowerCase().includes(needle));
    return [...this.conversations.values()]
      .filter(matches)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((c) => {
        const last = activePathOf(c).at(-1);
        return { id: c.id, title: c.title, updatedAt: c.updatedAt, preview: last ? preview(last.content) : '' };
      });
  }

  has(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  hasMessage(conversationId: string, messageId: string): boolean {
    const conversation = this.conversations.get(conversationId);
    return conversation !== undefined && Object.hasOwn(conversation.messages, messageId);
  }

  /** A copy: changing it changes nothing stored. */
  get(conversationId: string): Conversation {
    return structuredClone(this.conversation(conversationId));
  }

  getMessage(conversationId: string, messageId: string): Message {
    return structuredClone(this.message(this.conversation(conversationId), messageId));
  }

  async create(settings: Partial<ChatSettings> = {}): Promise<Conversation> {
    const now = this.now();
    const conversation: Conversation = {
      id: newId(),
      title: NEW_CHAT_TITLE,
      createdAt: now,
      updatedAt: now,
      settings: { ...DEFAULT_CHAT_SETTINGS, ...pickSettings(settings) },
      messages: {},
      activeChild: {},
    };
    this.conversations.set(conversation.id, conversation);
    await this.persist(conversation.id);
    return structuredClone(conversation);
  }

  async rename(conversationId: string, title: string): Promise<Conversation> {
    const conversation = this.conversation(conversationId);
    conversation.title = title;
    conversation.updatedAt = this.now();
    await this.persist(conversationId);
    return structuredClone(conversation);
  }

  async delete(conversationId: string): Promise<void> {
    this.conversation(conversationId);
    this.conversations.delete(conversationId);
    const file = this.file(conversationId);
    this.cancelScheduled(file);
    const removal = file.chain.then(() => unlink(this.pathFor(conversationId)).catch(ignoreMissing));
    file.chain = removal.catch(() => undefined);
    await removal;
  }

  async updateSettings(conversationId: string, settings: Partial<ChatSettings>): Promise<Conversation> {
    const conversation = this.conversation(conversationId);
    conversation.settings = { ...conversation.settings, ...pickSettings(settings) };
    conversation.updatedAt = this.now();
    await this.persist(conversationId);
    return structuredClone(conversation);
  }

  /**
   * Adds a message under `parentId` (null: a root message) and shows it: it becomes its parent's active
   * child. The first user message of a conversation still called "New chat" gives it its title.
   */
  async addMessage(conversationId: string, parentId: string | null, role: Message['role'], content: string, status: MessageStatus = 'complete'): Promise<Message> {
    const conversation = this.conversation(conversationId);
    if (parentId !== null) this.message(conversation, parentId);
    const message: Message = { id: this.freshMessageId(conversation), parentId, role, content, createdAt: this.now(), status };
    conversation.messages[message.id] = message;
    conversation.activeChild[parentId ?? ''] = message.id;
    conversation.updatedAt = message.createdAt;
    if (role === 'user' && conversation.title === NEW_CHAT_TITLE) {
      const title = titleFrom(content);
      if (title) conversation.title = title;
    }
    await this.persist(conversationId);
    return structuredClone(message);
  }

  /** Shows `messageId` among its siblings; below it, the branch it showed last. */
  async selectBranch(conversationId: string, messageId: string): Promise<Conversation> {
    const conversation = this.conversation(conversationId);
    const message = this.message(conversation, messageId);
    conversation.activeChild[message.parentId ?? ''] = message.id;
    await this.persist(conversationId);
    return structuredClone(conversation);
  }

  /** The messages on screen: from the root, following each parent's active child. */
  activePath(conversationId: string): Message[] {
    return structuredClone(activePathOf(this.conversation(conversationId)));
  }

  /** `messageId` and its ancestors, root first: the history a reply to it is generated from. */
  pathTo(conversationId: string, messageId: string): Message[] {
    const conversation = this.conversation(conversationId);
    const path: Message[] = [];
    for (let message: Message | undefined = this.message(conversation, messageId); message; ) {
      path.unshift(message);
      message = message.parentId === null ? undefined : conversation.messages[message.parentId];
    }
    return structuredClone(path);
  }

  /** The versions of a message (itself included), oldest first: the ‹ 2/3 › arrows. */
  siblings(conversationId: string, messageId: string): Message[] {
    const conversation = this.conversation(conversationId);
    const { parentId } = this.message(conversation, messageId);
    return structuredClone(Object.values(conversation.messages).filter((m) => m.parentId === parentId).sort((a, b) => a.createdAt - b.createdAt));
  }

  /** Changes a message and writes the file at once (and any streamed text still waiting with it). */
  async updateMessage(conversationId: string, messageId: string, patch: MessagePatch): Promise<Message> {
    const conversation = this.conversation(conversationId);
    const message = this.message(conversation, messageId);
    for (const key of ['content', 'status', 'error', 'stats', 'tokens'] as const) {
      if (key in patch) (message as Record<string, unknown>)[key] = patch[key];
    }
    conversation.updatedAt = this.now();
    await this.persist(conversationId);
    return structuredClone(message);
  }

  /**
   * Appends streamed text (and its tokens) to a message. The file is written at most once per interval:
   * a process killed mid-reply loses at most the last interval of that reply. `updateMessage` or
   * `flush` writes the rest at once.
   */
  appendToMessage(conversationId: string, messageId: string, text: string, tokens: readonly MessageToken[] = []): void {
    const message = this.message(this.conversation(conversationId), messageId);
    message.content += text;
    if (tokens.length > 0) (message.tokens ??= []).push(...structuredClone(tokens));
    void this.persist(conversationId, true);
  }

  exportMarkdown(conversationId: string): ExportedConversation {
    return exportConversation(this.conversation(conversationId), activePathOf(this.conversation(conversationId)), 'markdown');
  }

  exportJson(conversationId: string): ExportedConversation {
    return exportConversation(this.conversation(conversationId), [], 'json');
  }

  /** Writes now whatever is waiting (one conversation, or all) and resolves once it is on disk. */
  async flush(conversationId?: string): Promise<void> {
    const ids = conversationId === undefined ? [...this.files.keys()] : [conversationId];
    await Promise.all(
      ids.map((id) => {
        const file = this.files.get(id);
        if (!file) return undefined;
        return file.scheduled ? this.persist(id) : file.chain;
      }),
    );
  }

  /** Flushes everything; call before the process exits. */
  async close(): Promise<void> {
    await this.flush();
  }

  private conversation(conversationId: string): Conversation {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new ApiError('not_found', `Conversation ${conversationId} not found`);
    return conversation;
  }

  private message(conversation: Conversation, messageId: string): Message {
    const message = Object.hasOwn(conversation.messages, messageId) ? conversation.messages[messageId] : undefined;
    if (!message) throw new ApiError('not_found', `Message ${messageId} not found in conversation ${conversation.id}`);
    return message;
  }

  private freshMessageId(conversation: Conversation): string {
    let id = newId();
    while (Object.hasOwn(conversation.messages, id) || id === '') id = newId();
    return id;
  }

  /** Milliseconds, strictly increasing: sibling order and "newest first" never tie. */
  private now(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  private file(conversationId: string): FileState {
    let file = this.files.get(conversationId);
    if (!file) {
      file = { chain: Promise.resolve(), lastWriteAt: 0, scheduled: null };
      this.files.set(conversationId, file);
    }
    return file;
  }

  private pathFor(conversationId: string): string {
    return join(this.dir, `${conversationId}.json`);
  }

  /**
   * Queues a write of the conversation as it will be when the write starts. Throttled: joins the write
   * already waiting, or waits until an interval has passed since the last one.
   */
  private persist(conversationId: string, throttled = false): Promise<void> {
    const file = this.file(conversationId);
    if (throttled) {
      if (file.scheduled) return file.scheduled.done;
      const delay = Math.max(0, file.lastWriteAt + this.streamWriteIntervalMs - Date.now());
      let resolve!: (write: Promise<void>) => void;
      const done = new Promise<void>((r) => (resolve = r));
      // Nobody may be waiting on a throttled write: failures are reported, not thrown.
      const timer = setTimeout(() => void this.persist(conversationId).catch(() => undefined), delay);
      file.scheduled = { timer, done, resolve: (write) => resolve(write.catch(() => undefined)) };
      return done;
    }
    const scheduled = this.cancelScheduled(file);
    const write = file.chain.then(() => this.write(conversationId, file));
    file.chain = write.catch(() => undefined);
    scheduled?.resolve(write);
    return write;
  }

  private cancelScheduled(file: FileState): FileState['scheduled'] {
    const scheduled = file.scheduled;
    if (scheduled) clearTimeout(scheduled.timer);
    file.scheduled = null;
    return scheduled;
  }

  private async write(conversationId: string, file: FileState): Promise<void> {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return; // deleted meanwhile
    file.lastWriteAt = Date.now();
    const data = JSON.stringify(conversation);
    const temp = join(this.dir, `.${conversationId}.${newId()}${TEMP_SUFFIX}`);
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.pathFor(conversationId));
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      this.warn(`could not save conversation ${conversationId}: ${(error as Error).message}`);
      throw error;
    }
    await this.syncDir();
  }

  /** Makes the rename itself durable. Not possible on Windows (a folder cannot be opened), where NTFS journals it. */
  private async syncDir(): Promise<void> {
    try {
      const handle = await open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // best effort
    }
  }

  private async removeStaleTemp(name: string): Promise<void> {
    const path = join(this.dir, name);
    try {
      if (Date.now() - (await stat(path)).mtimeMs > STALE_TEMP_MS) await unlink(path);
    } catch {
      // another process may own it; leave it
    }
  }
}

function pickSettings(settings: Partial<ChatSettings>): Partial<ChatSettings> {
  const picked: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (settings[key] !== undefined) picked[key] = settings[key];
  return picked as Partial<ChatSettings>;
}

function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}

function preview(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim();
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
