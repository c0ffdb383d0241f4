import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { GenerateParameters, StreamResponse } from '../../../wire/tgi.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { fullText } from './fullText.js';

/**
 * TGI's stream: one `data: <StreamResponse>` per token, index from 1; the last token's frame waits for the end
 * to carry generated_text (and details when asked). No `[DONE]`. Errors are `{error, error_type}` frames.
 */
export class TgiStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private last: TokenEvent | null = null;

  constructor(
    private readonly inputs: string,
    private readonly parameters: GenerateParameters,
  ) {}

  start(): Frame[] {
    return [];
  }

  token(event: TokenEvent): Frame[] {
    // The last token's frame also carries the whole text; its `end` follows at once.
    if (event.last) {
      this.last = event;
      return [];
    }
    return [{ data: streamFrame(event, null, null) }];
  }

  end(event: EndEvent): Frame[] {
    if (!this.last) return [];
    const details = this.parameters.details
      ? { finish_reason: event.finishReason, generated_tokens: event.generatedTokens, seed: event.seed, input_length: event.inputLength }
      : null;
    return [{ data: streamFrame(this.last, fullText(this.inputs, this.parameters, event.generatedText), details) }];
  }

  failure(error: ApiError): Frame[] {
    return [{ data: error.toJSON() }];
  }
}

/** Fields in TGI's order: index, token, top_tokens, generated_text, details. */
function streamFrame(event: TokenEvent, generatedText: string | null, details: StreamResponse['details']): StreamResponse {
  return {
    index: event.index,
    token: event.token,
    ...(event.topTokens ? { top_tokens: event.topTokens } : {}),
    generated_text: generatedText,
    details,
  };
}
