import { describeError, type ErrorNotice } from '../bridge/errors';
import type { Bridge, ChatSettings, Conversation, Message } from '../bridge/types';
import { NEW_CHAT_SETTINGS } from '../lib/defaults';
import { download } from '../lib/download';
import { activePath, childrenByParent, withMessages } from '../lib/tree';
import type { ConversationsState } from './conversations.svelte';
import { LiveReplies } from './live.svelte';
import type { PrefsState } from './prefs.svelte';
import type { PresetsState } from './presets.svelte';

/** How long a deleted chat can be brought back. */
const UNDO_DELETE_MS = 6000;

/** The conversation on screen, its replies as they stream, and the commands the window sends about it. */
export class ChatState {
  /** null: a new chat, created on the first message. */
  conversation = $state.raw<Conversation | null>(null);
  loading = $state(false);
  /** A send or regenerate is on its way to Brook. */
  submitting = $state(false);
  stopping = $state(false);
  error = $state<ErrorNotice | null>(null);
  /** The composer's text, kept across conversations switches only for the new chat. */
  draft = $state('');
  /** A message written while a reply streams: sent as soon as that reply ends (Enter while streaming queues). */
  queued = $state<string | null>(null);

  /** Text to show once the conversation being opened is on screen (a search result was picked). */
  find = $state<string | null>(null);
  /** A chat deleted a moment ago, still undoable. */
  removing = $state<{ id: string; title: string } | null>(null);
  private removeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Settings changed on a new chat before its first message: saved with the chat when it is created. */
  pendingSettings = $state<Partial<ChatSettings>>({});

  readonly live: LiveReplies;

  /** The settings of the chat on screen (of the chat to be, for a new one). */
  readonly settings = $derived<ChatSettings>(this.conversation?.settings ?? { ...this.newChatSettings, ...this.pendingSettings });
  /** What a new chat starts with: the user's defaults where set, else Brook's. */
  get newChatSettings(): ChatSettings {
    return this.presets.defaults ?? NEW_CHAT_SETTINGS;
  }

  readonly path = $derived<Message[]>(this.conversation ? activePath(this.conversation) : []);
  readonly children = $derived<Map<string, Message[]>>(this.conversation ? childrenByParent(this.conversation) : new Map());
  /** A reply of this conversation is being generated (at most one is). */
  readonly generating = $derived<boolean>(!!this.conversation && Object.values(this.conversation.messages).some((m) => m.status === 'streaming'));
  readonly busy = $derived(this.generating || this.submitting);

  private opening = 0;
  /** Chats given a title by the model already (once each). */
  private readonly named = new Set<string>();

  constructor(
    private readonly bridge: Bridge,
    private readonly list: ConversationsState,
    private readonly prefs: PrefsState,
    private readonly presets: PresetsState,
  ) {
    this.live = new LiveReplies(bridge, (conversationId, message) => this.finished(conversationId, message));
  }

  /** Versions of a message, itself included, oldest first. */
  siblings(message: Message): Message[] {
    return this.children.get(message.parentId ?? '') ?? [message];
  }

  /** Opens a conversation; with `find`, the view then shows the first message containing it. */
  async open(conversationId: string, find?: string): Promise<void> {
    this.find = find?.trim() || null;
    if (conversationId !== this.conversation?.id) this.unqueue();
    const opening = ++this.opening;
    this.loading = true;
    this.error = null;
    try {
      const conversation = await this.bridge.getConversation(conversationId);
      if (opening !== this.opening) return;
      this.conversation = this.reconcile(conversation);
    } catch (error) {
      if (opening === this.opening) this.error = describeError(error);
    } finally {
      if (opening === this.opening) this.loading = false;
    }
  }

  /** Fetches the conversation on screen again (after Brook restarted, for instance). */
  async reload(): Promise<void> {
    if (this.conversation) await this.open(this.conversation.id);
  }

  newChat(): void {
    this.unqueue();
    this.opening++;
    this.conversation = null;
    this.error = null;
    this.loading = false;
  }

  /** Creates the conversation now if this is a new chat, with the settings chosen for it meanwhile. */
  async ensureConversation(): Promise<Conversation> {
    if (this.conversation) return this.conversation;
    let conversation = await this.bridge.createConversation();
    const chosen = { ...(this.presets.defaults ?? {}), ...this.pendingSettings };
    if (Object.keys(chosen).length > 0) {
      conversation = await this.bridge.updateSettings(conversation.id, chosen);
      this.pendingSettings = {};
    }
    this.conversation = conversation;
    void this.list.refresh();
    return conversation;
  }

  /** Sends a new message at the end of the branch on screen. */
  async send(content: string): Promise<boolean> {
    const text = content.trim();
    if (!text || this.busy) return false;
    return this.run(async () => {
      const conversation = await this.ensureConversation();
      const parentId = this.path.at(-1)?.id ?? null;
      const { userMessage, assistantMessage } = await this.bridge.send(conversation.id, parentId, text, this.prefs.topNTokens);
      this.insert(conversation.id, [userMessage, assistantMessage]);
      // The first message names the chat.
      if (parentId === null) void this.syncTitle(conversation.id);
    });
  }

  /** An edited user message: a new sibling of it, answered at once. */
  async edit(message: Message, content: string): Promise<boolean> {
    const text = content.trim();
    const conversation = this.conversation;
    if (!text || !conversation || this.busy) return false;
    return this.run(async () => {
      const { userMessage, assistantMessage } = await this.bridge.send(conversation.id, message.parentId, text, this.prefs.topNTokens);
      this.insert(conversation.id, [userMessage, assistantMessage]);
    });
  }

  /** Another version of an assistant reply. */
  async regenerate(reply: Message): Promise<boolean> {
    const conversation = this.conversation;
    if (!conversation || !reply.parentId || this.busy) return false;
    return this.run(async () => {
      const message = await this.bridge.regenerate(conversation.id, reply.parentId!, this.prefs.topNTokens);
      this.insert(conversation.id, [message]);
    });
  }

  /** Keeps a message to send when the reply on screen ends; replaces one queued before. */
  queue(content: string): void {
    const text = content.trim();
    if (text) this.queued = text;
  }

  /** Takes the queued message back into the composer (before what is there), to edit it or drop it. */
  unqueue(): void {
    if (this.queued === null) return;
    this.draft = this.draft.trim() ? `${this.queued}\n${this.draft}` : this.queued;
    this.queued = null;
  }

  /** Sends the queued message if nothing is generating any more. */
  private flushQueue(): void {
    const text = this.queued;
    if (text === null || this.busy || !this.conversation) return;
    this.queued = null;
    void this.send(text).then((sent) => {
      // Not sent: back where the user can see it and try again.
      if (!sent) this.draft = this.draft.trim() ? `${text}\n${this.draft}` : text;
    });
  }

  /** A stopped reply goes on from where it stopped. */
  async continueReply(reply: Message): Promise<boolean> {
    const conversation = this.conversation;
    if (!conversation || reply.status !== 'stopped' || this.busy) return false;
    return this.run(async () => {
      // Its earlier end must not stand in for the reply that streams now (nor the new end be lost in a race).
      this.live.forget(reply.id);
      this.insert(conversation.id, [await this.bridge.continueReply(conversation.id, reply.id)]);
    });
  }

  async stop(): Promise<void> {
    const conversation = this.conversation;
    if (!conversation || this.stopping) return;
    this.stopping = true;
    try {
      await this.bridge.stop(conversation.id);
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.stopping = false;
    }
  }

  async selectBranch(messageId: string): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    const message = conversation.messages[messageId];
    // Shown at once; Brook's answer confirms it.
    if (message) this.conversation = { ...conversation, activeChild: { ...conversation.activeChild, [message.parentId ?? '']: messageId } };
    try {
      const updated = await this.bridge.selectBranch(conversation.id, messageId);
      if (this.conversation?.id === updated.id) this.conversation = this.reconcile(updated);
      // The list's preview is the last message of the version on screen now.
      void this.list.refresh();
    } catch (error) {
      this.error = describeError(error);
    }
  }

  async updateSettings(settings: Partial<ChatSettings>): Promise<boolean> {
    // A new chat stays unsaved until its first message: an empty conversation in the list helps nobody.
    if (!this.conversation) {
      this.pendingSettings = { ...this.pendingSettings, ...settings };
      return true;
    }
    try {
      const conversation = this.conversation;
      const updated = await this.bridge.updateSettings(conversation.id, settings);
      if (this.conversation?.id === updated.id) this.conversation = this.reconcile(updated);
      return true;
    } catch (error) {
      this.error = describeError(error);
      return false;
    }
  }

  async rename(conversationId: string, title: string): Promise<void> {
    const name = title.trim();
    if (!name) return;
    try {
      await this.bridge.renameConversation(conversationId, name.slice(0, 200));
      if (this.conversation?.id === conversationId) this.conversation = { ...this.conversation, title: name.slice(0, 200) };
      await this.list.refresh();
    } catch (error) {
      this.error = describeError(error);
    }
  }

  /** Hides a chat at once and deletes it after a few seconds, unless Undo is pressed meanwhile. */
  remove(conversationId: string, title: string): void {
    void this.finishRemoval();
    this.list.hide(conversationId, true);
    if (this.conversation?.id === conversationId) this.newChat();
    this.removing = { id: conversationId, title };
    this.removeTimer = setTimeout(() => void this.finishRemoval(), UNDO_DELETE_MS);
  }

  undoRemove(): void {
    const removing = this.removing;
    if (!removing) return;
    clearTimeout(this.removeTimer);
    this.removing = null;
    this.list.hide(removing.id, false);
  }

  /** Deletes the chat waiting for Undo now (its time is up, another is deleted, or the window closes). */
  async finishRemoval(): Promise<void> {
    const removing = this.removing;
    if (!removing) return;
    clearTimeout(this.removeTimer);
    this.removing = null;
    try {
      await this.bridge.deleteConversation(removing.id);
    } catch (error) {
      this.error = describeError(error);
    } finally {
      await this.list.refresh();
      this.list.hide(removing.id, false);
    }
  }

  async exportAs(conversationId: string, format: 'markdown' | 'json'): Promise<void> {
    try {
      download(await this.bridge.exportConversation(conversationId, format));
    } catch (error) {
      this.error = describeError(error);
    }
  }

  dismissError(): void {
    this.error = null;
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.submitting = true;
    this.error = null;
    try {
      await action();
      this.list.refreshSoon();
      return true;
    } catch (error) {
      this.error = describeError(error);
      // Deleted elsewhere: the list should not offer it any more.
      if (this.error.errorType === 'not_found') void this.list.refresh();
      return false;
    } finally {
      this.submitting = false;
      // A reply that ended while its command was still answering leaves the queue to this point.
      queueMicrotask(() => this.flushQueue());
    }
  }

  private async syncTitle(conversationId: string): Promise<void> {
    try {
      const { title } = await this.bridge.getConversation(conversationId);
      if (this.conversation?.id === conversationId) this.conversation = { ...this.conversation, title };
    } catch {
      // the list shows the title anyway
    }
  }

  /** New messages from a command's answer, shown (each becomes its parent's active child). */
  private insert(conversationId: string, messages: Message[]): void {
    if (this.conversation?.id !== conversationId) return;
    const shown = messages.map((m) => this.live.final(m.id) ?? m);
    this.conversation = withMessages(this.conversation, shown, true);
    // A short reply may have ended before the command answered: it is named here, not in finished().
    for (const message of shown) if (message.role === 'assistant' && message.status === 'complete') void this.nameAfterFirstReply(conversationId, message);
  }

  /** A reply ended (complete, stopped or failed): its saved version replaces the streaming one. */
  private finished(conversationId: string, message: Message): void {
    if (this.conversation?.id === conversationId && this.conversation.messages[message.id]) {
      this.conversation = withMessages(this.conversation, [message], false);
      // A failed reply would fail the queued message too (e.g. the context is full): give it back instead.
      if (message.status === 'error') this.unqueue();
      else queueMicrotask(() => this.flushQueue());
      if (message.status === 'complete') void this.nameAfterFirstReply(conversationId, message);
    }
    this.list.refreshSoon();
  }

  /** After the first reply of a chat, the model writes it a short title (the user can rename it as ever). */
  private async nameAfterFirstReply(conversationId: string, reply: Message): Promise<void> {
    const question = reply.parentId ? this.conversation?.messages[reply.parentId] : undefined;
    if (!question || question.parentId !== null || this.siblings(reply).length > 1 || this.named.has(conversationId)) return;
    this.named.add(conversationId);
    // The model may still be busy a moment after the reply: a few tries, then the chat keeps the title it has.
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const title = await this.bridge.suggestTitle(conversationId);
        if (typeof title === 'string' && title.trim()) await this.rename(conversationId, title);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
      }
    }
  }

  /** A fetched conversation may be older than replies that ended since it was read. */
  private reconcile(conversation: Conversation): Conversation {
    const ended = Object.values(conversation.messages)
      .filter((m) => m.status === 'streaming')
      .map((m) => this.live.final(m.id))
      .filter((m): m is Message => m !== undefined);
    return ended.length > 0 ? withMessages(conversation, ended, false) : conversation;
  }
}
