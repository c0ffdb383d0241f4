import { ApiError } from '../../errors.js';
import type { EndEvent, GeneratedToken, GenerationEvent, GenerationRequest } from '../../wire/generation.js';
import type { FinishReason } from '../../wire/tgi.js';

export interface StreamContext {
  request: GenerationRequest;
  signal: AbortSignal;
  /** performance.now() when the upstream request was sent. */
  started: number;
  url: string;
}

/**
 * Turns an upstream's tokens into Brook's events: indexes, the text so far, the first-token time, and the end
 * (also when the read is aborted: a stopped generation ends with what it has, marked cancelled).
 */
export class UpstreamStream {
  private generated = 0;
  private text = '';
  private firstTokenMs = 0;
  private sentLast = false;
  inputLength = 0;
  seed: number | null = null;

  constructor(private readonly context: StreamContext) {}

  get count(): number {
    return this.generated;
  }

  get ended(): boolean {
    return this.sentLast;
  }

  token(token: GeneratedToken, last: boolean, topTokens?: GeneratedToken[]): GenerationEvent {
    this.generated++;
    if (this.generated === 1) this.firstTokenMs = performance.now() - this.context.started;
    if (!token.special) this.text += token.text;
    if (last) this.sentLast = true;
    return { type: 'token', index: this.generated, token, ...(topTokens ? { topTokens } : {}), last };
  }

  end(finishReason: FinishReason, cancelled = false, generatedText = this.text): EndEvent {
    return {
      type: 'end',
      generatedText,
      finishReason,
      generatedTokens: this.generated,
      seed: this.seed,
      inputLength: this.inputLength,
      stopSequence: null,
      cancelled,
      timings: { queueMs: 0, firstTokenMs: this.firstTokenMs, generationMs: performance.now() - this.context.started, reusedPromptTokens: 0 },
    };
  }

  /** The end when reading failed: cancelled if it was aborted, else the upstream broke off mid-stream. */
  failure(error: unknown): EndEvent {
    if (this.context.signal.aborted) return this.end('length', true);
    if (error instanceof ApiError) throw error;
    throw new ApiError('incomplete_generation', `The remote server at ${this.context.url} broke off the stream: ${(error as Error).message}`);
  }

  /** The upstream closed the stream without saying it was done. */
  cutOff(): never {
    throw new ApiError('incomplete_generation', `The remote server at ${this.context.url} closed the stream before the end of the generation.`);
  }
}
