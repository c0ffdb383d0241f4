import { SvelteMap } from 'svelte/reactivity';
import { FrameQueue } from '../lib/frameQueue';
import type { Bridge, Message, MessageToken, PositionedReplyUpdate, ReplyUpdate } from '../bridge/types';

/** A reply being generated: its text so far, grown once per animation frame. */
export class LiveReply {
  text = $state('');
  /** Where `text` starts in the reply: 0, unless the window joined mid-reply. */
  start = $state(0);
  /** Bumped when tokens are added (the array itself is not reactive: it only grows). */
  tokenCount = $state(0);
  /** How far the prompt has been read (0…1) before the first token, where Brook says. */
  promptProgress = $state<number | undefined>(undefined);
  readonly tokens: MessageToken[] = [];

  constructor(
    readonly conversationId: string,
    readonly messageId: string,
  ) {}

  apply(update: ReplyUpdate & PositionedReplyUpdate, first: boolean): void {
    const offset = update.offset;
    if (offset === undefined) {
      this.text += update.text;
    } else if (first) {
      this.start = offset;
      this.text = update.text;
    } else {
      const end = this.start + this.text.length;
      if (offset > end) {
        // Frames were missed: start over from here (the final message fills the gap).
        this.start = offset;
        this.text = update.text;
      } else if (offset + update.text.length > end) {
        this.text += update.text.slice(end - offset);
      } else {
        return; // seen already
      }
    }
    if (update.tokens.length > 0) {
      this.tokens.push(...update.tokens);
      this.tokenCount = this.tokens.length;
    }
  }

  /** The reply's text: what arrived live, after what was fetched before it when the window joined late. */
  display(saved: string): string {
    if (this.start === 0) return this.text;
    return saved.length >= this.start ? saved.slice(0, this.start) + this.text : saved;
  }
}

/**
 * Every reply being generated, fed by the Bridge's onReply. Updates are queued and applied once per
 * animation frame: however fast the model is, the window changes at most once a frame.
 */
export class LiveReplies {
  readonly byMessage = new SvelteMap<string, LiveReply>();
  /** Replies that finished lately, by id: a response that was still on its way when they ended must not undo them. */
  private readonly finals = new Map<string, Message>();
  private readonly queue: FrameQueue<ReplyUpdate & PositionedReplyUpdate>;
  private stop: (() => void) | null = null;

  constructor(
    private readonly bridge: Bridge,
    private readonly onFinal: (conversationId: string, message: Message) => void,
  ) {
    this.queue = new FrameQueue((updates) => this.apply(updates));
  }

  start(): () => void {
    this.stop = this.bridge.onReply((update) => this.queue.push(update));
    return () => {
      this.stop?.();
      this.queue.dispose();
    };
  }

  get(messageId: string): LiveReply | undefined {
    return this.byMessage.get(messageId);
  }

  /** The saved version of a message that ended meanwhile, if it did. */
  final(messageId: string): Message | undefined {
    return this.finals.get(messageId);
  }

  /** A reply that streams again (Continue after Stop): its earlier end no longer stands. */
  forget(messageId: string): void {
    this.finals.delete(messageId);
  }

  private apply(updates: (ReplyUpdate & PositionedReplyUpdate)[]): void {
    for (const update of updates) {
      let live = this.byMessage.get(update.messageId);
      const first = !live;
      if (!live) {
        live = new LiveReply(update.conversationId, update.messageId);
        this.byMessage.set(update.messageId, live);
      }
      if (update.promptProgress !== undefined) live.promptProgress = update.promptProgress;
      if (update.text || update.tokens.length > 0) live.apply(update, first);
      if (update.final) {
        this.finals.set(update.messageId, update.final);
        if (this.finals.size > 100) this.finals.delete(this.finals.keys().next().value!);
        this.onFinal(update.conversationId, update.final);
        this.byMessage.delete(update.messageId);
      }
    }
  }
}
