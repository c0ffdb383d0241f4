import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { AnthropicContentBlock, AnthropicMessage } from '../../../wire/anthropic.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { anthropicUsage, stopReason, toolUseBlock } from './anthropicShapes.js';

/**
 * A whole Message: a text block without the stop sequence (which `stop_sequence` names instead), then a
 * tool_use block per call. A reply of calls only has no text block.
 */
export class AnthropicResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback;

  constructor(
    private readonly head: AnthropicMessage,
    stops: string[],
    private readonly maxTokens: number,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  token(event: TokenEvent): void {
    this.holdback.push(visibleText(event));
  }

  end(event: EndEvent): EncodedResponse {
    this.holdback.finish();
    const calls = (event.toolCalls ?? []).map(toolUseBlock);
    const text = this.holdback.result;
    const content: AnthropicContentBlock[] = text !== '' || calls.length === 0 ? [{ type: 'text', text }, ...calls] : calls;
    const body: AnthropicMessage = {
      ...this.head,
      content,
      stop_reason: stopReason(event, this.maxTokens),
      stop_sequence: event.stopSequence ?? this.holdback.stopSequence,
      usage: anthropicUsage(event),
    };
    return { body };
  }
}
