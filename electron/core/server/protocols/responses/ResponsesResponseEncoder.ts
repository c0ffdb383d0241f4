import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ResponsesResponse } from '../../../wire/responses.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { visibleText } from '../openai/openAIShapes.js';
import { finishedResponse } from './responseShell.js';

/** A whole Response: one assistant message with one output_text part. */
export class ResponsesResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private text = '';

  constructor(private readonly shell: ResponsesResponse) {}

  token(event: TokenEvent): void {
    this.text += visibleText(event);
  }

  end(event: EndEvent): EncodedResponse {
    return { body: finishedResponse(this.shell, this.text, event) };
  }
}
