import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ResponsesOutputItem, ResponsesResponse } from '../../../wire/responses.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { cutShort, finishedResponse, functionCallItem, messageItem } from './responseShell.js';

/** A whole Response: an assistant message with one output_text part, then a function_call item per call. */
export class ResponsesResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private text = '';

  constructor(private readonly shell: ResponsesResponse) {}

  token(event: TokenEvent): void {
    this.text += visibleText(event);
  }

  end(event: EndEvent): EncodedResponse {
    const status = cutShort(event) ? 'incomplete' : 'completed';
    const calls = (event.toolCalls ?? []).map((call) => functionCallItem(call, status));
    // A reply of calls only has no message.
    const output: ResponsesOutputItem[] = this.text !== '' || calls.length === 0 ? [messageItem(this.shell, this.text, status), ...calls] : calls;
    return { body: finishedResponse(this.shell, output, event) };
  }
}
