import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ResponsesResponse } from '../../../wire/responses.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { openAIError } from '../openai/openAIErrors.js';
import { visibleText } from '../openai/openAIShapes.js';
import { finishedResponse, messageId, outputMessage } from './responseShell.js';

/**
 * The Responses event sequence, each event named after its `type` and numbered by `sequence_number`:
 * response.created, response.in_progress, response.output_item.added, response.content_part.added, one
 * response.output_text.delta per piece of text, response.output_text.done, response.content_part.done,
 * response.output_item.done, then response.completed (response.incomplete when max_output_tokens ran out).
 * The one message is output 0 and its text part content 0, as the SDKs' accumulators index them.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private sequence = 0;
  private text = '';
  private readonly at: { item_id: string; output_index: 0; content_index: 0 };

  constructor(private readonly shell: ResponsesResponse) {
    this.at = { item_id: messageId(shell), output_index: 0, content_index: 0 };
  }

  start(): Frame[] {
    return [
      this.event('response.created', { response: this.shell }),
      this.event('response.in_progress', { response: this.shell }),
      this.event('response.output_item.added', { output_index: 0, item: outputMessage(this.shell, null, 'in_progress') }),
      this.event('response.content_part.added', { ...this.at, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
    ];
  }

  token(event: TokenEvent): Frame[] {
    const delta = visibleText(event);
    if (delta === '') return [];
    this.text += delta;
    return [this.event('response.output_text.delta', { ...this.at, delta, logprobs: [] })];
  }

  end(event: EndEvent): Frame[] {
    const response = finishedResponse(this.shell, this.text, event);
    const item = response.output[0]!;
    return [
      this.event('response.output_text.done', { ...this.at, text: this.text, logprobs: [] }),
      this.event('response.content_part.done', { ...this.at, part: item.content[0]! }),
      this.event('response.output_item.done', { output_index: 0, item }),
      this.event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response }),
    ];
  }

  /**
   * An `error` event with the Responses fields (code, message, param) and OpenAI's nested `error` object too:
   * the `openai` clients throw on a stream event that carries `error`, the AI SDK reads the flat fields.
   */
  failure(error: ApiError): Frame[] {
    const nested = openAIError(error);
    return [this.event('error', { code: nested.error.code, message: nested.error.message, param: null, error: nested.error })];
  }

  private event(type: string, fields: Record<string, unknown>): Frame {
    return { event: type, data: { type, sequence_number: this.sequence++, ...fields } };
  }
}
