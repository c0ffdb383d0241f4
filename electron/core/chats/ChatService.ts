import { ApiError, PromptTooLongError, validationError } from '../errors.js';
import { maxInputTokens, type Admission, type Backend } from '../backends/Backend.js';
import { inputCharacters, maxInputCharacters } from '../backends/inputBounds.js';
import type { ReplyUpdate, SendResult, Unsubscribe } from '../wire/bridge.js';
import { activePath } from '../wire/activePath.js';
import {
  ContextUsageRequest,
  ContinueReply,
  ConversationRef,
  DEFAULT_CHAT_SETTINGS,
  ExportConversation,
  Regenerate,
  RenameConversation,
  SearchConversations,
  SelectBranch,
  SendMessage,
  StopGeneration,
  UpdateSettings,
  type ChatSettings,
  type ContextUsage,
  type Conversation,
  type ConversationSummary,
  type ExportedConversation,
  type Message,
  type MessageStatus,
  type MessageToken,
  type ReplyStats,
} from '../wire/chats.js';
import type { ChatMessage, EndEvent, OutputConstraint } from '../wire/generation.js';
import { enforceableSchema } from '../engine/enforceableSchema.js';
import { parse } from '../wire/validator.js';
import type { ChatStore } from './ChatStore.js';
import { REPLY_UPDATE_INTERVAL_MS, ReplyBatcher } from './ReplyBatcher.js';
import { toGenerateParameters } from './toGenerateParameters.js';

export interface ChatServiceOptions {
  /** Least time between two ReplyUpdates of one reply (ms). */
  updateIntervalMs?: number;
  warn?: (message: string) => void;
}

interface RunningReply {
  /** '' until the assistant message exists. */
  messageId: string;
  controller: AbortController;
  done: Promise<void>;
  settle: () => void;
}

const MODEL_NOT_READY = 'The model is still loading. Wait until it is ready, then send your message again.';
const STILL_GENERATING = 'a reply is still being generated; stop it first';

/**
 * The conversation and generation half of the window's Bridge, shared by the IPC handlers and the
 * browser-mode routes. Payloads are validated here with the wire schemas. A reply runs in the background:
 * its tokens are saved as they come (throttled) and reach `onReply` listeners in per-frame batches.
 */
export class ChatService {
  private readonly replies = new Map<string, RunningReply>();
  private readonly listeners = new Set<(update: ReplyUpdate) => void>();
  private readonly updateIntervalMs: number;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly store: ChatStore,
    /** Where replies are generated: the local model or a remote server, whichever Brook serves from. */
    private readonly backend: Backend,
    options: ChatServiceOptions = {},
  ) {
    this.updateIntervalMs = options.updateIntervalMs ?? REPLY_UPDATE_INTERVAL_MS;
    this.warn = options.warn ?? ((message) => console.warn(`[chats] ${message}`));
  }

  async list(query?: string): Promise<ConversationSummary[]> {
    parse(SearchConversations, { query });
    return this.store.list(query);
  }

  async get(conversationId: string): Promise<Conversation> {
    parse(ConversationRef, { conversationId });
    return this.store.get(conversationId);
  }

  async create(settings: Partial<ChatSettings> = {}): Promise<Conversation> {
    parse(UpdateSettings.properties.settings, settings);
    replyConstraint(settings.replySchema);
    return this.store.create(settings);
  }

  async rename(conversationId: string, title: string): Promise<void> {
    parse(RenameConversation, { conversationId, title });
    await this.store.rename(conversationId, title);
  }

  /** Stops the conversation's reply first, so nothing writes the file again. */
  async delete(conversationId: string): Promise<void> {
    parse(ConversationRef, { conversationId });
    await this.stop(conversationId);
    await this.store.delete(conversationId);
  }

  async updateSettings(conversationId: string, settings: Partial<ChatSettings>): Promise<Conversation> {
    parse(UpdateSettings, { conversationId, settings });
    replyConstraint(settings.replySchema);
    return this.store.updateSettings(conversationId, settings);
  }

  async selectBranch(conversationId: string, messageId: string): Promise<Conversation> {
    parse(SelectBranch, { conversationId, messageId });
    return this.store.selectBranch(conversationId, messageId);
  }

  async export(conversationId: string, format: 'markdown' | 'json'): Promise<ExportedConversation> {
    parse(ExportConversation, { conversationId, format });
    return format === 'markdown' ? this.store.exportMarkdown(conversationId) : this.store.exportJson(conversationId);
  }

  /** True while a reply of this conversation is being generated. */
  isGenerating(conversationId: string): boolean {
    return this.replies.has(conversationId);
  }

  /**
   * Adds a user message under `parentId` (null: a root message; an edit passes the edited message's parent)
   * and starts the reply to it. Returns once both messages are saved; the reply streams through `onReply`.
   */
  async send(conversationId: string, parentId: string | null, content: string, topNTokens?: number | null): Promise<SendResult> {
    parse(SendMessage, { conversationId, parentId, content, topNTokens });
    this.requireReady();
    this.assertIdle(conversationId);
    this.assertExists(conversationId, parentId);
    const reply = this.reserve(conversationId);
    try {
      const userMessage = await this.store.addMessage(conversationId, parentId, 'user', content);
      const assistantMessage = await this.store.addMessage(conversationId, userMessage.id, 'assistant', '', 'streaming');
      this.launch(conversationId, reply, assistantMessage, topNTokens ?? 0);
      return { userMessage, assistantMessage };
    } catch (error) {
      this.release(conversationId, reply);
      throw error;
    }
  }

  /** Another reply to `userMessageId`: a new sibling of its earlier replies, shown at once. */
  async regenerate(conversationId: string, userMessageId: string, topNTokens?: number | null): Promise<Message> {
    parse(Regenerate, { conversationId, userMessageId, topNTokens });
    this.requireReady();
    this.assertIdle(conversationId);
    this.assertExists(conversationId, userMessageId);
    if (this.store.getMessage(conversationId, userMessageId).role !== 'user') throw validationError('only a user message can be answered again');
    const reply = this.reserve(conversationId);
    try {
      const assistantMessage = await this.store.addMessage(conversationId, userMessageId, 'assistant', '', 'streaming');
      this.launch(conversationId, reply, assistantMessage, topNTokens ?? 0);
      return assistantMessage;
    } catch (error) {
      this.release(conversationId, reply);
      throw error;
    }
  }

  /** Resumes a stopped reply: the same message streams on from where it stopped, its status back to streaming. */
  async continueReply(conversationId: string, messageId: string): Promise<Message> {
    parse(ContinueReply, { conversationId, messageId });
    this.requireReady();
    this.assertIdle(conversationId);
    this.assertExists(conversationId, messageId);
    const stopped = this.store.getMessage(conversationId, messageId);
    if (stopped.role !== 'assistant' || stopped.status !== 'stopped' || !stopped.content) throw validationError('only a stopped reply with some text can be continued');
    const reply = this.reserve(conversationId);
    try {
      const streaming = await this.store.updateMessage(conversationId, messageId, { status: 'streaming' });
      this.launch(conversationId, reply, streaming, 0, true);
      return streaming;
    } catch (error) {
      this.release(conversationId, reply);
      throw error;
    }
  }

  /**
   * What the next reply's prompt takes of the context: the path up to `parentId` (null: a new chat), then
   * `draft`. Counted even past the context, so the window can say by how much; past the character bound no
   * prompt can fit and tokenizing it would stall Brook, so that one is answered as too long to count.
   */
  async contextUsage(conversationId: string | null, parentId: string | null, draft: string): Promise<ContextUsage> {
    parse(ContextUsageRequest, { conversationId, parentId, draft });
    if (conversationId !== null) this.assertExists(conversationId, parentId);
    const settings = conversationId === null ? DEFAULT_CHAT_SETTINGS : this.store.get(conversationId).settings;
    const messages = this.promptMessages(settings, conversationId === null || parentId === null ? [] : this.store.pathTo(conversationId, parentId));
    if (draft) messages.push({ role: 'user', content: draft });
    const info = this.backend.info();
    const characters = inputCharacters({ messages });
    const maxCharacters = maxInputCharacters(info);
    if (characters > maxCharacters) return { promptTokens: null, contextSize: info.contextSize, characters, maxCharacters };
    const promptTokens = messages.length === 0 ? 0 : await this.backend.countPromptTokens({ messages });
    return { promptTokens, contextSize: info.contextSize, overflowTokens: Math.max(0, promptTokens - maxInputTokens(info)) };
  }

  /**
   * A short title written by the model from the chat's first question and answer; the first words of the
   * question when the model gives nothing usable (a tiny model may not).
   */
  async suggestTitle(conversationId: string): Promise<string> {
    parse(ConversationRef, { conversationId });
    this.requireReady();
    const path = activePath(this.store.get(conversationId));
    const question = path.find((message) => message.role === 'user')?.content ?? '';
    if (!question) throw validationError('the chat has no message to name it after yet');
    const answer = path.find((message) => message.role === 'assistant')?.content ?? '';
    const prompt = `Write a title of at most six words for this conversation. Reply with the title only.\n\nQuestion: ${question.slice(0, TITLE_EXCERPT)}\n\nAnswer: ${answer.slice(0, TITLE_EXCERPT)}`;
    const admission = await this.backend.admit(
      { prompt: { messages: [{ role: 'user', content: prompt }] }, parameters: { max_new_tokens: TITLE_TOKENS }, fitMaxNewTokens: true },
      AbortSignal.timeout(TITLE_TIMEOUT_MS),
      'window',
    );
    let text = '';
    try {
      for await (const event of admission.events) if (event.type === 'end') text = event.generatedText;
    } finally {
      await admission.close();
    }
    return cleanTitle(text) || cleanTitle(question);
  }

  /** Stops the conversation's reply (if `messageId` is given, only that one) and resolves once it is saved as stopped. */
  async stop(conversationId: string, messageId?: string): Promise<void> {
    parse(StopGeneration, { conversationId, messageId });
    const reply = this.replies.get(conversationId);
    if (!reply || (messageId !== undefined && reply.messageId !== '' && reply.messageId !== messageId)) return;
    reply.controller.abort();
    await reply.done;
  }

  /** Shutdown: stops every reply and resolves once all are saved. */
  async stopAll(): Promise<void> {
    const running = [...this.replies.values()];
    for (const reply of running) reply.controller.abort();
    await Promise.all(running.map((reply) => reply.done));
    await this.store.flush();
  }

  onReply(listener: (update: ReplyUpdate) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private requireReady(): void {
    const { state } = this.backend.state;
    if (state === 'loading') throw new ApiError('model_not_ready', MODEL_NOT_READY);
    // A missing model says why in its own words (424 model_not_ready).
    if (state === 'error') this.backend.info();
  }

  private assertIdle(conversationId: string): void {
    if (this.replies.has(conversationId)) throw validationError(STILL_GENERATING);
  }

  /** Throws 404 `not_found` for a missing conversation or message. */
  private assertExists(conversationId: string, messageId: string | null): void {
    if (!this.store.has(conversationId)) throw new ApiError('not_found', `Conversation ${conversationId} not found`);
    if (messageId !== null && !this.store.hasMessage(conversationId, messageId)) {
      throw new ApiError('not_found', `Message ${messageId} not found in conversation ${conversationId}`);
    }
  }

  /** Takes the conversation's one reply slot synchronously, before anything awaits, so two sends cannot both pass. */
  private reserve(conversationId: string): RunningReply {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const reply: RunningReply = { messageId: '', controller: new AbortController(), done, settle };
    this.replies.set(conversationId, reply);
    return reply;
  }

  private release(conversationId: string, reply: RunningReply): void {
    if (this.replies.get(conversationId) === reply) this.replies.delete(conversationId);
    reply.settle();
  }

  private launch(conversationId: string, reply: RunningReply, assistant: Message, topNTokens: number, continuing = false): void {
    reply.messageId = assistant.id;
    void this.run(conversationId, reply, assistant, topNTokens, continuing)
      .catch((error: unknown) => this.warn(`reply ${assistant.id} failed: ${(error as Error).message}`))
      .finally(() => this.release(conversationId, reply));
  }

  /** Generates the reply into `assistant`; `continuing`: after the text it already has (Continue after Stop). */
  private async run(conversationId: string, reply: RunningReply, assistant: Message, topNTokens: number, continuing: boolean): Promise<void> {
    const batcher = new ReplyBatcher(conversationId, assistant.id, (update) => this.emit(update), this.updateIntervalMs);
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let lastTokenAt = started;
    let tokenCount = 0;
    let content = continuing ? assistant.content : '';
    let end: EndEvent | undefined;
    let failure: string | undefined;
    try {
      const admission = await this.admit(conversationId, continuing ? assistant.id : assistant.parentId!, topNTokens, reply.controller.signal, continuing);
      try {
        for await (const event of admission.events) {
          if (event.type === 'end') {
            end = event;
            continue;
          }
          if (event.type === 'prompt') {
            batcher.progress(event.evaluated / event.total);
            continue;
          }
          tokenCount += 1;
          lastTokenAt = performance.now();
          firstTokenAt ??= lastTokenAt;
          // End-of-turn and other control tokens are not part of the reply.
          if (event.token.special) continue;
          const { id, text, logprob, special } = event.token;
          const token: MessageToken = { id, text, logprob, special };
          if (event.topTokens) token.top = event.topTokens.map((t) => ({ id: t.id, text: t.text, logprob: t.logprob, special: t.special }));
          content += text;
          this.store.appendToMessage(conversationId, assistant.id, text, [token]);
          batcher.push(text, token);
        }
      } finally {
        await admission.close();
      }
    } catch (error) {
      failure = describeFailure(error);
    }

    const cancelled = end ? end.cancelled : failure === undefined;
    const status: MessageStatus = failure !== undefined ? 'error' : cancelled ? 'stopped' : 'complete';
    const stats: ReplyStats = {
      firstTokenMs: firstTokenAt === null ? 0 : round(firstTokenAt - started),
      tokensPerSecond: firstTokenAt !== null && tokenCount > 1 && lastTokenAt > firstTokenAt ? round(((tokenCount - 1) * 1000) / (lastTokenAt - firstTokenAt)) : 0,
      tokens: (continuing ? (assistant.stats?.tokens ?? 0) : 0) + (end?.generatedTokens ?? tokenCount),
      finishReason: failure !== undefined ? 'error' : cancelled || !end ? 'stopped' : end.finishReason,
    };
    let final: Message;
    try {
      final = await this.store.updateMessage(conversationId, assistant.id, failure !== undefined ? { status, stats, error: failure } : { status, stats });
    } catch (error) {
      // The file could not be written; the window still learns how the reply ended.
      this.warn(`could not save reply ${assistant.id}: ${(error as Error).message}`);
      final = { ...assistant, content, status, stats, ...(failure !== undefined ? { error: failure } : {}) };
    }
    // The slot frees with the last update (before its listeners run), so a listener may send again at once.
    await batcher.finish(final, () => this.release(conversationId, reply));
  }

  /** Admits the reply with the conversation's max_new_tokens, shortened to the room the prompt leaves. */
  private admit(conversationId: string, lastMessageId: string, topNTokens: number, signal: AbortSignal, continueLast: boolean): Promise<Admission> {
    const { settings } = this.store.get(conversationId);
    const messages = this.promptMessages(settings, this.store.pathTo(conversationId, lastMessageId));
    const parameters = toGenerateParameters(settings, settings.max_new_tokens, topNTokens);
    const constraint = replyConstraint(settings.replySchema);
    return this.backend.admit({ prompt: { messages, continueLast }, parameters, fitMaxNewTokens: true, ...(constraint ? { constraint } : {}) }, signal, 'window');
  }

  /** The model's view of a chat: its system prompt, then the messages of `path`. */
  private promptMessages(settings: ChatSettings, path: readonly Message[]): ChatMessage[] {
    const messages: ChatMessage[] = [];
    if (settings.systemPrompt.trim()) messages.push({ role: 'system', content: settings.systemPrompt });
    for (const message of path) {
      // A reply that failed before its first token says nothing to the model.
      if (message.role === 'user' || message.content) messages.push({ role: message.role, content: message.content });
    }
    return messages;
  }

  private emit(update: ReplyUpdate): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(update);
      } catch (error) {
        this.warn(`a reply listener failed: ${(error as Error).message}`);
      }
    }
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof PromptTooLongError) {
    return `This conversation is too long for the model (at most ${error.maxTokens} tokens). Start a new conversation, or shorten your message.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Characters of the first question and answer a title is written from. */
const TITLE_EXCERPT = 600;
const TITLE_TOKENS = 16;
const TITLE_TIMEOUT_MS = 60_000;
const TITLE_MAX_LENGTH = 60;

/** The first line, without quotes, a "Title:" label or a final full stop, at most a short line long. */
function cleanTitle(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  const title = line
    .replace(/^(title)\s*:\s*/i, '')
    .replace(/^["'“”*#\s]+|["'“”*\s.]+$/g, '')
    .trim();
  if (title.length <= TITLE_MAX_LENGTH) return title;
  const cut = title.slice(0, TITLE_MAX_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 20)).trim()}…`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The "Reply as JSON (schema)" setting as an output constraint; 422 in words for text that is not an enforceable schema. */
function replyConstraint(replySchema: string | null | undefined): OutputConstraint | undefined {
  if (replySchema == null || replySchema.trim() === '') return undefined;
  let schema: unknown;
  try {
    schema = JSON.parse(replySchema);
  } catch {
    throw validationError('"Reply as JSON (schema)" must be a JSON Schema written as JSON, for example {"type": "object", "properties": {"answer": {"type": "string"}}}');
  }
  if (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0) return { type: 'json', schema: null };
  enforceableSchema(schema, 'The "Reply as JSON" schema');
  return { type: 'json', schema: schema as Record<string, unknown> };
}
