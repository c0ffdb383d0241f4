import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { Completion } from '../../../wire/openai.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { completionLogprobs, completionToken, type CompletionToken } from './completionLogprobs.js';
import { finishReason, usage, visibleText, type ResponseHead } from './openAIShapes.js';

/** A whole text_completion, the prompt in front when echoed, without the stop sequence. */
export class CompletionResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback<CompletionToken>;
  private readonly tokens: CompletionToken[] = [];
  private offset: number;

  constructor(
    private readonly head: ResponseHead,
    stops: string[],
    private readonly withLogprobs: boolean,
    /** The prompt when it is returned before the completion (echo / return_full_text), else ''. */
    private readonly echo: string,
  ) {
    this.holdback = new StopHoldback(stops);
    this.offset = echo.length;
  }

  token(event: TokenEvent): void {
    const text = visibleText(event);
    this.tokens.push(...this.holdback.push(text, this.withLogprobs ? completionToken(event, this.offset) : undefined).tokens);
    this.offset += text.length;
  }

  end(event: EndEvent): EncodedResponse {
    this.tokens.push(...this.holdback.finish().tokens);
    const body: Completion = {
      ...this.head,
      object: 'text_completion',
      choices: [
        {
          index: 0,
          text: this.echo + this.holdback.result,
          logprobs: this.withLogprobs ? completionLogprobs(this.tokens) : null,
          finish_reason: finishReason(event),
        },
      ],
      usage: usage(event),
    };
    return { body };
  }
}
