import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { ollamaError } from './ollamaErrors.js';
import { ollamaReply, replyText, type OllamaRoute } from './ollamaReply.js';
import { doneStatistics } from './ollamaStatistics.js';

/**
 * Ollama's NDJSON stream: one object per piece of text (text that may begin a stop sequence is held back until
 * it is clear), the tool calls whole in one object (as Ollama streams them), then one with `done: true`, an empty
 * text and the statistics. A failure after the stream began
 * is one `{"error": "..."}` line, which both `ollama` clients raise.
 */
export class OllamaStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'ndjson';
  private readonly holdback: StopHoldback;
  private readonly admittedAt = performance.now();

  constructor(
    private readonly route: OllamaRoute,
    private readonly model: string,
    stops: string[],
    private readonly receivedAt: number,
    private readonly withTools: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  start(): Frame[] {
    return [];
  }

  token(event: TokenEvent): Frame[] {
    return this.piece(this.holdback.push(replyText(event, this.withTools)).text);
  }

  end(event: EndEvent): Frame[] {
    const statistics = doneStatistics(event, { receivedAt: this.receivedAt, admittedAt: this.admittedAt });
    const calls = event.toolCalls ?? [];
    return [
      ...this.piece(this.holdback.finish().text),
      ...(calls.length > 0 ? [{ data: ollamaReply(this.route, this.model, '', false, {}, calls) }] : []),
      { data: ollamaReply(this.route, this.model, '', true, statistics) },
    ];
  }

  failure(error: ApiError): Frame[] {
    return [{ data: ollamaError(error) }];
  }

  private piece(text: string): Frame[] {
    return text === '' ? [] : [{ data: ollamaReply(this.route, this.model, text, false) }];
  }
}
