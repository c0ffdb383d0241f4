import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { AnthropicMessage, AnthropicStreamEvent } from '../../../wire/anthropic.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { anthropicError } from './anthropicErrors.js';
import { anthropicUsage, stopReason, toolUseBlock } from './anthropicShapes.js';

/**
 * Anthropic's named events: `message_start`, `ping`, then content blocks — a text block whose
 * `content_block_delta`s carry the text (text that may begin a stop sequence is held back until it is clear),
 * and a tool_use block per call whose deltas carry fragments of its input JSON — each closed by
 * `content_block_stop`; then `message_delta` with the stop reason and usage, and `message_stop`. The SDKs skip
 * events without a name, so every frame carries one: its `type`.
 *
 * Without tools the text block opens at once (before `ping`, as Anthropic sends it); with tools a block opens
 * when its first text or call arrives, so a reply of calls only has no empty text block.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private readonly holdback: StopHoldback;
  /** The block being written, and how many blocks were opened. */
  private open: 'text' | 'tool_use' | null = null;
  private blocks = 0;

  constructor(
    private readonly head: AnthropicMessage,
    stops: string[],
    private readonly maxTokens: number,
    private readonly withTools: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  start(): Frame[] {
    const opening = this.withTools ? [] : this.openText();
    return [frame({ type: 'message_start', message: this.head }), ...opening, frame({ type: 'ping' })];
  }

  token(event: TokenEvent): Frame[] {
    const frames = this.text(this.holdback.push(visibleText(event)).text);
    for (const delta of event.toolCallDeltas ?? []) {
      if (delta.type === 'call') frames.push(...this.close(), ...this.openBlock('tool_use', toolUseBlock(delta)));
      else if (delta.type === 'arguments' && delta.text !== '') {
        frames.push(frame({ type: 'content_block_delta', index: this.blocks - 1, delta: { type: 'input_json_delta', partial_json: delta.text } }));
      }
    }
    return frames;
  }

  end(event: EndEvent): Frame[] {
    const frames = this.text(this.holdback.finish().text);
    // Every message has at least one block.
    if (this.blocks === 0) frames.push(...this.openText());
    return [
      ...frames,
      ...this.close(),
      frame({
        type: 'message_delta',
        delta: { stop_reason: stopReason(event, this.maxTokens), stop_sequence: event.stopSequence ?? this.holdback.stopSequence },
        usage: anthropicUsage(event),
      }),
      frame({ type: 'message_stop' }),
    ];
  }

  failure(error: ApiError): Frame[] {
    return [{ event: 'error', data: anthropicError(error) }];
  }

  private text(text: string): Frame[] {
    if (text === '') return [];
    const opening = this.open === 'text' ? [] : [...this.close(), ...this.openText()];
    return [...opening, frame({ type: 'content_block_delta', index: this.blocks - 1, delta: { type: 'text_delta', text } })];
  }

  private openText(): Frame[] {
    return this.openBlock('text', { type: 'text', text: '' });
  }

  private openBlock(kind: 'text' | 'tool_use', block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block']): Frame[] {
    this.open = kind;
    return [frame({ type: 'content_block_start', index: this.blocks++, content_block: block })];
  }

  private close(): Frame[] {
    if (this.open === null) return [];
    this.open = null;
    return [frame({ type: 'content_block_stop', index: this.blocks - 1 })];
  }
}

function frame(data: AnthropicStreamEvent): Frame {
  return { event: data.type, data };
}
