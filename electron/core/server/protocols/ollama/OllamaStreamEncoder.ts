import { StopHoldback, type Released } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ChatTokenLogprob } from '../../../wire/openai.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { chatLogprob } from '../openai/chatLogprob.js';
import { ollamaError } from './ollamaErrors.js';
import { ollamaReply, replyText, type OllamaRoute } from './ollamaReply.js';
import { doneStatistics } from './ollamaStatistics.js';

/** What the encoders need of the request besides its route and model name. */
export interface OllamaReplyOptions {
  stops: string[];
  /** A `tools` constraint: the generated text is read through the engine's tool-call deltas. */
  withTools: boolean;
  withLogprobs: boolean;
}

/**
 * Ollama's NDJSON stream: one object per piece of text (text that may begin a stop sequence is held back until
 * it is clear), the tool calls whole in one object (as Ollama streams them), then one with `done: true`, an empty
 * text and the statistics. A failure after the stream began is one `{"error": "..."}` line, which both `ollama`
 * clients raise.
 */
export class OllamaStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'ndjson';
  private readonly holdback: StopHoldback<ChatTokenLogprob>;
  private readonly admittedAt = performance.now();

  constructor(
    private readonly route: OllamaRoute,
    private readonly model: string,
    private readonly options: OllamaReplyOptions,
    private readonly receivedAt: number,
  ) {
    this.holdback = new StopHoldback(options.stops);
  }

  start(): Frame[] {
    return [];
  }

  token(event: TokenEvent): Frame[] {
    return this.piece(this.holdback.push(replyText(event, this.options.withTools), this.options.withLogprobs ? chatLogprob(event) : undefined));
  }

  end(event: EndEvent): Frame[] {
    const statistics = doneStatistics(event, { receivedAt: this.receivedAt, admittedAt: this.admittedAt });
    const toolCalls = event.toolCalls ?? [];
    return [
      ...this.piece(this.holdback.finish()),
      ...(toolCalls.length > 0 ? [{ data: ollamaReply(this.route, this.model, { text: '', done: false, toolCalls }) }] : []),
      { data: ollamaReply(this.route, this.model, { text: '', done: true, statistics }) },
    ];
  }

  failure(error: ApiError): Frame[] {
    return [{ data: ollamaError(error) }];
  }

  private piece({ text, tokens }: Released<ChatTokenLogprob>): Frame[] {
    if (text === '' && tokens.length === 0) return [];
    return [{ data: ollamaReply(this.route, this.model, { text, done: false, ...(this.options.withLogprobs ? { logprobs: tokens } : {}) }) }];
  }
}
