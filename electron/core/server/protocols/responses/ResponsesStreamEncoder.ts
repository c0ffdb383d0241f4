import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent, ToolCall } from '../../../wire/generation.js';
import type { ResponsesOutputItem, ResponsesResponse } from '../../../wire/responses.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { openAIError } from '../openai/openAIErrors.js';
import { visibleText } from '../openai/openAIShapes.js';
import { cutShort, finishedResponse, functionCallItem, messageId, messageItem } from './responseShell.js';

/**
 * The Responses event sequence, each event named after its `type` and numbered by `sequence_number`:
 * response.created, response.in_progress, then each output item — a message (response.output_item.added,
 * response.content_part.added, response.output_text.delta …, response.output_text.done,
 * response.content_part.done, response.output_item.done) or a function call (response.output_item.added,
 * response.function_call_arguments.delta …, response.function_call_arguments.done, response.output_item.done)
 * — then response.completed (response.incomplete when max_output_tokens ran out). Items are numbered by
 * `output_index` in order, as the SDKs' accumulators index them.
 *
 * Without tools the message opens at once; with tools an item opens when its first text or call arrives, so a
 * reply of calls only has no empty message.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private sequence = 0;
  private text = '';
  private readonly items: ResponsesOutputItem[] = [];
  /** The item being written: the message, or a call. */
  private open: { kind: 'message' } | { kind: 'call'; call: ToolCall } | null = null;

  constructor(
    private readonly shell: ResponsesResponse,
    private readonly withTools: boolean,
  ) {}

  start(): Frame[] {
    return [
      this.event('response.created', { response: this.shell }),
      this.event('response.in_progress', { response: this.shell }),
      ...(this.withTools ? [] : this.openMessage()),
    ];
  }

  token(event: TokenEvent): Frame[] {
    const frames: Frame[] = [];
    const delta = visibleText(event);
    if (delta !== '') {
      if (this.open?.kind !== 'message') frames.push(...this.close('completed'), ...this.openMessage());
      this.text += delta;
      frames.push(this.event('response.output_text.delta', { ...this.messageAt(), delta, logprobs: [] }));
    }
    for (const toolDelta of event.toolCallDeltas ?? []) {
      if (toolDelta.type === 'call') {
        frames.push(...this.close('completed'));
        const call = { id: toolDelta.id, name: toolDelta.name, arguments: '' };
        this.open = { kind: 'call', call };
        frames.push(this.event('response.output_item.added', { output_index: this.items.length, item: functionCallItem(call, 'in_progress') }));
      } else if (toolDelta.type === 'arguments' && toolDelta.text !== '' && this.open?.kind === 'call') {
        this.open.call.arguments += toolDelta.text;
        frames.push(this.event('response.function_call_arguments.delta', { item_id: `fc_${this.open.call.id}`, output_index: this.items.length, delta: toolDelta.text }));
      }
    }
    return frames;
  }

  end(event: EndEvent): Frame[] {
    const status = cutShort(event) ? 'incomplete' : 'completed';
    // Every response has at least one output item.
    const frames = this.items.length === 0 && this.open === null ? this.openMessage() : [];
    frames.push(...this.close(status));
    const response = finishedResponse(this.shell, this.items, event);
    return [...frames, this.event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response })];
  }

  /**
   * An `error` event with the Responses fields (code, message, param) and OpenAI's nested `error` object too:
   * the `openai` clients throw on a stream event that carries `error`, the AI SDK reads the flat fields.
   */
  failure(error: ApiError): Frame[] {
    const nested = openAIError(error);
    return [this.event('error', { code: nested.error.code, message: nested.error.message, param: null, error: nested.error })];
  }

  private openMessage(): Frame[] {
    this.open = { kind: 'message' };
    return [
      this.event('response.output_item.added', { output_index: this.items.length, item: messageItem(this.shell, null, 'in_progress') }),
      this.event('response.content_part.added', { ...this.messageAt(), part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
    ];
  }

  /** Ends the item being written with its `.done` events. */
  private close(status: 'completed' | 'incomplete'): Frame[] {
    const open = this.open;
    if (open === null) return [];
    this.open = null;
    const outputIndex = this.items.length;
    if (open.kind === 'message') {
      const item = messageItem(this.shell, this.text, status);
      this.items.push(item);
      return [
        this.event('response.output_text.done', { ...this.messageAt(outputIndex), text: this.text, logprobs: [] }),
        this.event('response.content_part.done', { ...this.messageAt(outputIndex), part: item.content[0]! }),
        this.event('response.output_item.done', { output_index: outputIndex, item }),
      ];
    }
    const item = functionCallItem(open.call, status);
    this.items.push(item);
    return [
      this.event('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: item.name, arguments: item.arguments }),
      this.event('response.output_item.done', { output_index: outputIndex, item }),
    ];
  }

  private messageAt(outputIndex = this.items.length): { item_id: string; output_index: number; content_index: 0 } {
    return { item_id: messageId(this.shell), output_index: outputIndex, content_index: 0 };
  }

  private event(type: string, fields: Record<string, unknown>): Frame {
    return { event: type, data: { type, sequence_number: this.sequence++, ...fields } };
  }
}
