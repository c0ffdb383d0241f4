import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { AnthropicMessage } from '../../../wire/anthropic.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { anthropicUsage, stopReason } from './anthropicShapes.js';

/** A whole Message: one text block without the stop sequence, which `stop_sequence` names instead. */
export class AnthropicResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback;

  constructor(
    private readonly head: AnthropicMessage,
    stops: string[],
  ) {
    this.holdback = new StopHoldback(stops);
  }

  token(event: TokenEvent): void {
    this.holdback.push(visibleText(event));
  }

  end(event: EndEvent): EncodedResponse {
    this.holdback.finish();
    const body: AnthropicMessage = {
      ...this.head,
      content: [{ type: 'text', text: this.holdback.result }],
      stop_reason: stopReason(event),
      stop_sequence: event.stopSequence ?? this.holdback.stopSequence,
      usage: anthropicUsage(event),
    };
    return { body };
  }
}
