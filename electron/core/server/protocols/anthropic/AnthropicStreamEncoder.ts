import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { AnthropicMessage, AnthropicStreamEvent } from '../../../wire/anthropic.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { anthropicError } from './anthropicErrors.js';
import { anthropicUsage, stopReason } from './anthropicShapes.js';

/**
 * Anthropic's named events: `message_start`, `content_block_start` (one text block), `ping`, a
 * `content_block_delta` per piece of text (text that may begin a stop sequence is held back until it is
 * clear), `content_block_stop`, `message_delta` with the stop reason and usage, `message_stop`. The SDKs skip
 * events without a name, so every frame carries one: its `type`.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private readonly holdback: StopHoldback;

  constructor(
    private readonly head: AnthropicMessage,
    stops: string[],
  ) {
    this.holdback = new StopHoldback(stops);
  }

  start(): Frame[] {
    return [
      frame({ type: 'message_start', message: this.head }),
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      frame({ type: 'ping' }),
    ];
  }

  token(event: TokenEvent): Frame[] {
    return this.delta(this.holdback.push(visibleText(event)).text);
  }

  end(event: EndEvent): Frame[] {
    return [
      ...this.delta(this.holdback.finish().text),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({
        type: 'message_delta',
        delta: { stop_reason: stopReason(event), stop_sequence: event.stopSequence ?? this.holdback.stopSequence },
        usage: anthropicUsage(event),
      }),
      frame({ type: 'message_stop' }),
    ];
  }

  failure(error: ApiError): Frame[] {
    return [{ event: 'error', data: anthropicError(error) }];
  }

  private delta(text: string): Frame[] {
    return text === '' ? [] : [frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })];
  }
}

function frame(data: AnthropicStreamEvent): Frame {
  return { event: data.type, data };
}
