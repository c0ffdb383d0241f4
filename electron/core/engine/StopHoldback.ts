/** What a push or the finish lets through: text safe to send, and the tokens whose text begins in it. */
export interface Released<T> {
  text: string;
  tokens: T[];
}

interface Pending<T> {
  start: number;
  value: T;
}

/**
 * The one stop-sequence matcher: the engine asks it when to stop, and OpenAI-style encoders use its hold-back.
 * OpenAI's stop semantics over text that grows token by token: the stop sequence and anything after it is
 * never returned, and while streaming, text that may be the start of a stop sequence is held back until
 * the next tokens show whether it is one. (TGI's routes return the stop sequence; the engine stops on it
 * either way.) Each token may carry a value (its logprobs) that is released with the text it begins.
 */
export class StopHoldback<T = never> {
  private text = '';
  private sent = 0;
  /** Where the first stop sequence begins, once one has appeared. */
  private cut: number | null = null;
  private found: string | null = null;
  private readonly pending: Pending<T>[] = [];
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = Math.max(0, ...stops.map((stop) => stop.length));
  }

  /** True once a stop sequence has appeared: everything from it on is dropped. */
  get stopped(): boolean {
    return this.cut !== null;
  }

  /** The stop sequence that appeared first, once one has. */
  get stopSequence(): string | null {
    return this.found;
  }

  /** Appends a token's text (pass '' for special tokens); returns what can be sent now. */
  push(piece: string, value?: T): Released<T> {
    if (this.cut !== null) return { text: '', tokens: [] };
    if (value !== undefined) this.pending.push({ start: this.text.length, value });
    // A stop sequence can only end in the new piece, so only the tail it could straddle is searched.
    const from = Math.max(0, this.text.length - this.longest + 1);
    this.text += piece;
    let at = -1;
    for (const stop of this.stops) {
      const found = this.text.indexOf(stop, from);
      if (found !== -1 && (at === -1 || found < at)) {
        at = found;
        this.found = stop;
      }
    }
    if (at !== -1) {
      this.cut = at;
      return this.release(at);
    }
    return this.release(this.text.length - this.partialStopSuffix());
  }

  /** The generation ended: sends what was held back (up to the stop sequence, if one appeared). */
  finish(): Released<T> {
    return this.release(this.cut ?? this.text.length, true);
  }

  /** The text returned in all, without the stop sequence. */
  get result(): string {
    return this.text.slice(0, this.cut ?? this.text.length);
  }

  /** Length of the longest end of the text that is the beginning of a stop sequence. */
  private partialStopSuffix(): number {
    for (let length = Math.min(this.longest - 1, this.text.length); length > 0; length--) {
      const tail = this.text.slice(-length);
      if (this.stops.some((stop) => stop.startsWith(tail))) return length;
    }
    return 0;
  }

  private release(upTo: number, final = false): Released<T> {
    const text = upTo > this.sent ? this.text.slice(this.sent, upTo) : '';
    this.sent = Math.max(this.sent, upTo);
    const tokens: T[] = [];
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      // A token whose text is still empty (a split multi-byte character) waits for text after it, unless this is the end.
      const inside = next.start < upTo || (final && this.cut === null);
      if (!inside) break;
      tokens.push(next.value);
      this.pending.shift();
    }
    if (final) this.pending.length = 0;
    return { text, tokens };
  }
}
