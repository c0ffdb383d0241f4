import type { ReplyUpdate } from '../wire/bridge.js';
import type { Message, MessageToken } from '../wire/chats.js';

/** About one animation frame. */
export const REPLY_UPDATE_INTERVAL_MS = 16;

/**
 * Coalesces one reply's tokens into ReplyUpdates: at most one per interval however fast the model is,
 * so the window re-renders once per frame. The first token goes out as soon as the event loop turns.
 */
export class ReplyBatcher {
  private text = '';
  private tokens: MessageToken[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private finished = false;

  constructor(
    private readonly conversationId: string,
    private readonly messageId: string,
    private readonly emit: (update: ReplyUpdate) => void,
    private readonly intervalMs = REPLY_UPDATE_INTERVAL_MS,
  ) {}

  push(text: string, token?: MessageToken): void {
    if (this.finished) return;
    this.text += text;
    if (token) this.tokens.push(token);
    if (!this.timer) this.schedule();
  }

  /** How much of a long prompt has been read (0…1), sent at once: it comes seconds apart, before any token. */
  progress(fraction: number): void {
    if (this.finished) return;
    this.lastEmitAt = performance.now();
    this.emit({ conversationId: this.conversationId, messageId: this.messageId, text: '', tokens: [], promptProgress: fraction });
  }

  /** Sends what is left with the saved message, keeping to the interval; nothing is sent after it. */
  async finish(final: Message, beforeSend?: () => void): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let wait = this.remaining(); wait > 0; wait = this.remaining()) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    beforeSend?.();
    this.send(final);
  }

  private remaining(): number {
    return this.lastEmitAt + this.intervalMs - performance.now();
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.ceil(this.remaining())));
  }

  private flush(): void {
    this.timer = null;
    // Timers may fire a fraction of a millisecond early; the interval is a promise to the window.
    if (this.remaining() > 0) return this.schedule();
    if (this.text || this.tokens.length > 0) this.send();
  }

  private send(final?: Message): void {
    const update: ReplyUpdate = { conversationId: this.conversationId, messageId: this.messageId, text: this.text, tokens: this.tokens };
    if (final) update.final = final;
    this.text = '';
    this.tokens = [];
    this.lastEmitAt = performance.now();
    this.emit(update);
  }
}
